"""The desktop pane: the highlighted computer's screen, a zoomed region of it, and saving it.

`pane.ScreenshotPane` is the widget (the keys), built on `display.ScreenshotPaneDisplay` (what it
shows and when); the other modules are the pieces it is made of, split so each can be read (and
tested) without the rest: the screenshot it keeps, the words it shows, how a picture is fetched
and decoded.
"""
