"""What an operator needs to know: is every part of the site up, is the worker alive, and is
the queue of comments moving. At the top of the layers beside `demo`: it reads from every
app and nothing depends on it."""
