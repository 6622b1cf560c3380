"""The desktop pane: the highlighted computer's screen, a zoomed region of it, and saving it.

`pane.ScreenshotPane` is the widget; the other modules are the pieces it is made of, split so each
can be read (and tested) without the rest: the screenshot it keeps, the words it shows, how a
picture is fetched and decoded, what it shows and when (`view.py`), and the save dialog.
"""
