"""`set_content`: a Static's new content, with a layout pass only when its size can change.

`Static.update` asks for a layout every time. Moving the highlight updates five Statics in the
side panes (details, desktop, access), so holding page down on 10,000 rows laid out the whole
screen for every key: a fifth of the event loop's time (probe: 45 page downs, 1.83 s of loop CPU,
1.46 s without those layouts). Most updates keep the height (a title, a status line, the same
number of fields); those only need a repaint.
"""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


def set_content(static: Static, content: VisualType) -> None:
    """`static.update(content)`; laid out again only when the new content needs another height
    (height `auto`) or width (width `auto`).

    A widget with no width has not been laid out where it is (a pane in a tab that is not
    shown, or one mounted a moment ago): the layout that shows it measures the new content."""
    styles = static.styles
    if not static.is_mounted or (styles.width is not None and styles.width.is_auto):
        static.update(content)
        return
    static.update(content, layout=False)
    size = static.content_size
    if not size.width:
        return
    height = styles.height
    if height is None or height.is_auto:
        needed = static.get_content_height(static.container_size, static.app.size, size.width)
        if needed != size.height and not (needed > size.height and _at_max_height(static)):
            static.refresh(layout=True)


def _at_max_height(static: Static) -> bool:
    """Whether the widget is as high as its `max-height` lets it be (taller content would not
    make it any higher: the timeline, `height: auto; max-height: 14`, showed a long history
    and laid the whole screen out again on every highlight move)."""
    limit = static.styles.max_height
    if limit is None:
        return False
    return static.outer_size.height >= limit.resolve(static.container_size, static.app.size)
