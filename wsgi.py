"""Entry point for gunicorn (`gunicorn wsgi:app`) and the CLI (`flask --app wsgi ...`)."""
from trainer import create_app
from trainer.serving import tune_for_serving

app = create_app()
tune_for_serving()
