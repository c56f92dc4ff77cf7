"""Residents' concerns (民情: 提、交、落、回), one file a topic: raising.py, moving.py
(transition(), the one writer of a concern's state, and the linked booking's moves), reading.py,
photos.py, categories.py, handlers.py, micro_grid.py and desk.py (the grid's board); rules.py
decides, access.py says who the caller is to a concern; api.py and views.py call them."""
