"""The demo article, its updates and comments that `make run` loads on a fresh machine.

An app of its own at the top of the layers: it uses every other app's services, and nothing
uses it."""
