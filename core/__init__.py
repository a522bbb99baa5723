"""The bottom layer: what every app needs (client address, ids, text, keys, mail, roles),
each defined once. Nothing here imports the other apps."""
