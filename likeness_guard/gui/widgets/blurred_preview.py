"""An image preview that is blurred until the user reveals it, with found faces boxed."""

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from likeness_guard.gui.previews import PreviewImages
from likeness_guard.locale import N_, _

PREPARING = N_("Preparing a blurred preview…")


class BlurredPreview(QWidget):
    """Paints the blurred image (or, once revealed, the clear one) scaled to fit.

    Boxes are in original image pixels; the matched face is drawn thicker, in the
    highlight colour, the others thin. Until pixels arrive a calm placeholder shows.
    """

    def __init__(self, minimum: QSize | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images: PreviewImages | None = None
        self._revealed = False
        self._boxes: list[tuple[tuple[float, float, float, float], bool]] = []
        self._message = _(PREPARING)
        self.setMinimumSize(minimum or QSize(160, 120))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(_("Image preview, blurred"))

    def set_images(self, images: PreviewImages) -> None:
        self._images = images
        if images.error:
            self._message = images.error
        self.update()

    def clear(self) -> None:
        """Forget the pixels (after the data behind them was deleted)."""
        self._images = None
        self._boxes = []
        self._revealed = False
        self._message = _(PREPARING)
        self.update()

    def set_boxes(self, boxes: list[tuple[tuple[float, float, float, float], bool]]) -> None:
        """Faces to outline: (x1, y1, x2, y2) in original pixels, and whether it matched."""
        self._boxes = boxes
        self.update()

    @property
    def revealed(self) -> bool:
        return self._revealed

    def set_revealed(self, revealed: bool) -> None:
        self._revealed = revealed
        self.setAccessibleName(
            _("Image preview, shown clearly") if revealed else _("Image preview, blurred")
        )
        self.update()

    def has_image(self) -> bool:
        return self._images is not None and self._images.clear is not None

    def image_rect(self) -> QRectF:
        """Where the image is drawn, in widget coordinates (empty before it arrives)."""
        image = self._current()
        if image is None:
            return QRectF()
        size = QSize(image.width(), image.height()).scaled(
            self.size(), Qt.AspectRatioMode.KeepAspectRatio
        )
        x = (self.width() - size.width()) / 2
        y = (self.height() - size.height()) / 2
        return QRectF(x, y, size.width(), size.height())

    def _current(self) -> QImage | None:
        if self._images is None:
            return None
        return self._images.clear if self._revealed else self._images.blurred

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        image = self._current()
        if image is None or self._images is None:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect().adjusted(8, 8, -8, -8),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._message,
            )
            return
        target = self.image_rect()
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap.fromImage(
            image.scaled(
                round(target.width() * ratio),
                round(target.height() * ratio),
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        pixmap.setDevicePixelRatio(ratio)
        painter.drawPixmap(target.topLeft(), pixmap)
        # Original pixels -> widget pixels.
        factor = self._images.scale * target.width() / max(1, image.width())
        highlight = palette.color(QPalette.ColorRole.Highlight)
        other = QColor(255, 255, 255, 170)
        for (x1, y1, x2, y2), matched in sorted(self._boxes, key=lambda b: b[1]):
            rect = QRectF(
                target.left() + x1 * factor,
                target.top() + y1 * factor,
                (x2 - x1) * factor,
                (y2 - y1) * factor,
            )
            if matched:
                # A dark outline under the highlight keeps the box visible on any picture.
                painter.setPen(QPen(QColor(0, 0, 0, 160), 5))
                painter.drawRect(rect)
                painter.setPen(QPen(highlight, 3))
            else:
                painter.setPen(QPen(other, 1.5, Qt.PenStyle.DashLine))
            painter.drawRect(rect)


def sync_reveal_button(
    button: QAbstractButton,
    revealed: bool,
    words: tuple[str, str] = (N_("Show image"), N_("Blur again")),
) -> None:
    """Show on a show / blur toggle whether the image is revealed (`words`: its two labels,
    shorter ones where the button is narrow, in English marked with `N_()`)."""
    button.blockSignals(True)  # mirroring the state must not toggle it back
    button.setChecked(revealed)
    button.blockSignals(False)
    button.setText(_(words[1]) if revealed else _(words[0]))
