"""The learning pages: a trainee's own training, lessons and knowledge checks; a training officer's assignments,
classroom sessions and training records; the completion matrix and the overdue-and-expiring list."""
from trainer.learning.views.blueprint import bp

__all__ = ["bp"]
