"""The Access tab: every way into the highlighted computer (URLs, VNC, stream tokens).

`panel.AccessPanel` is the widget (the keys), built on `display.AccessPanelDisplay` (what it
shows and fetches); the other modules are the pieces it is made of, split so each
can be read (and tested) without the rest: the row model and how rows are built, how a row is
drawn, the copy-menu choices, the preview-port field, the status lines, and how API calls are
made without letting an exception take the panel down. The client and journal come from
`ui.services.services()`, typed.
"""
