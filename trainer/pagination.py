"""One page of a list counted in SQL, with the attributes of Flask-SQLAlchemy's pagination that the
pagination macro reads (templates/macros/forms.html)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Page:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def first(self) -> int:
        """The position of the page's first item (1-based; 0 when the list is empty)."""
        return min(self.total, (self.page - 1) * self.per_page + 1)

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)

    def iter_pages(self, edge: int = 2, around: int = 2):
        """Page numbers to link: the first and last `edge`, `around` either side of this one, None for a gap."""
        shown_gap = False
        for number in range(1, self.pages + 1):
            if number <= edge or number > self.pages - edge or abs(number - self.page) <= around:
                shown_gap = False
                yield number
            elif not shown_gap:
                shown_gap = True
                yield None


def paginate(query, *, page: int | None, per_page: int):
    """One page of a query's rows (Flask-SQLAlchemy's Pagination), the page number clamped to the
    pages there are: services call this with the page number the view read from the request."""
    from trainer.extensions import db

    return db.paginate(query, page=page or 1, per_page=per_page, error_out=False, max_per_page=per_page)
