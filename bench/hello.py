"""The ceiling: a bare Flask app answering a small JSON "hello", run under the same gunicorn
configuration as the product (bench/load starts it with gunicorn.conf.py)."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return {"hello": "world"}
