"""A small square picture of a face, sharp on high-DPI screens."""

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget


class FaceThumbnail(QWidget):
    """Shows a face image (PNG bytes or a QImage) in a rounded square of `side` pixels."""

    def __init__(self, side: int = 96, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._side = side
        self._image: QImage | None = None
        self._placeholder = ""
        self.setFixedSize(QSize(side, side))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_png(self, data: bytes | None) -> None:
        image = QImage()
        if data:
            image.loadFromData(data)
        self.set_image(None if image.isNull() else image)

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def has_image(self) -> bool:
        return self._image is not None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        path = QPainterPath()
        path.addRoundedRect(self.rect().toRectF(), 8, 8)
        painter.setClipPath(path)
        painter.fillPath(path, self.palette().color(QPalette.ColorRole.AlternateBase))
        if self._image is None:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._placeholder,
            )
            return
        ratio = self.devicePixelRatioF()
        target = QSize(round(self._side * ratio), round(self._side * ratio))
        pixmap = QPixmap.fromImage(
            self._image.scaled(
                target,
                Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        pixmap.setDevicePixelRatio(ratio)
        size = pixmap.deviceIndependentSize()
        x = (self._side - size.width()) / 2
        y = (self._side - size.height()) / 2
        painter.drawPixmap(round(x), round(y), pixmap)
