"""What a user reads about moments and stretches of a video, and why a video was not
examined to its end (part of the one vocabulary: re-exported by core.domain.words)."""

from likeness_guard.core.domain.records import VideoFacts, VideoSegment, VideoStop
from likeness_guard.locale import _, ngettext


def timecode(seconds: float | None) -> str:
    """A moment in a video as hh:mm:ss ("--:--:--" when unknown)."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "--:--:--"
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def moment(seconds: float | None) -> str:
    """A moment in a video as hh:mm:ss.d, to the tenth of a second ("--:--:--.-" when
    unknown): a face seen from 4.2 to 5.8 s is not "00:00:04 to 00:00:05"."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "--:--:--.-"
    whole, tenth = divmod(round(seconds * 10), 10)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{tenth}"


def segment_words(segment: VideoSegment) -> str:
    """One stretch of a video where the face was found: "00:00:08.0 to 00:00:12.4", or
    "00:00:08.0" when it lasts less than a tenth of a second."""
    start, end = moment(segment.start_s), moment(segment.end_s)
    # Translators: a stretch of a video, e.g. "00:00:08.0 to 00:00:12.4".
    return start if start == end else _("{start} to {end}").format(start=start, end=end)


def video_stop_words(video: VideoFacts) -> str | None:
    """Why a video was not examined to its end and how far it got; None when it was."""
    stop = video.stopped
    if stop is None:
        return None
    until = timecode(video.examined_until_s)
    if stop is VideoStop.FRAME_CAP:
        # Translators: {until} and {duration} are lengths of video as hh:mm:ss.
        return ngettext(
            "Only the first {until} were examined: the limit of {count} frame per video was "
            "reached. Raise the limit to examine the rest.",
            "Only the first {until} were examined: the limit of {count} frames per video was "
            "reached. Raise the limit to examine the rest.",
            video.frames_examined,
        ).format(until=until, count=video.frames_examined)
    if stop is VideoStop.DECODE_LIMIT:
        return _(
            "Only the first {until} were examined: the video holds far more frames than a "
            "real clip of its length, so the rest was not decoded."
        ).format(until=until)
    if stop is VideoStop.DAMAGED:
        return _(
            "The video data is damaged after {until}; the part before it was examined. "
            "A fresh copy of the file may play further."
        ).format(until=until)
    if stop is VideoStop.ENDS_EARLY:
        return _(
            "The file ends at {until}, before the {duration} it declares: it is probably an "
            "unfinished download. The part that is there was examined."
        ).format(until=until, duration=timecode(video.duration_s))
    return _(
        "You stopped the scan at {until} in this video; the part before it was examined."
    ).format(until=until)


def segments_summary(video: VideoFacts) -> str:
    """Where in a video the face was found, for a line in a list or a terminal."""
    if not video.segments:
        return _("the face was not found in any examined frame")
    parts = [segment_words(segment) for segment in video.segments[:4]]
    more = len(video.segments) - len(parts)
    if more > 0:
        # Translators: {moments} lists up to four moments of a video, separated by commas.
        return ngettext(
            "found at {moments} and {count} more", "found at {moments} and {count} more", more
        ).format(moments=", ".join(parts), count=more)
    return _("found at {moments}").format(moments=", ".join(parts))
