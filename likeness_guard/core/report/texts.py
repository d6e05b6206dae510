"""The report's fixed wording: header, method and limits, next steps, caveats.

Each is marked with N_() and translated where the report shows it, `_(texts.INTRO)`: the
report is written in the language asked for, which is chosen after these constants are made.
"""

from likeness_guard.locale import N_

RUNNING_HEADER = N_("Confidential — contains sensitive images")

# The measured error rates, kept in one place so that they are updated together with
# docs/matching.md whenever the calibration is run again.
CALIBRATION = N_(
    "On 300 labeled pairs of photos of other people, measured by the project's developers, "
    "photos of the same person scored between 0.45 and 0.85, and photos of two different "
    "people scored at most 0.25: at every threshold from 0.30 to 0.40 there was neither a "
    "false match nor a missed match on that data. On the sample photos shipped with the "
    "face models (35 faces of 34 people, 594 pairs), the default threshold of 0.36 gave no "
    "false match and no miss; the highest score between two different people was 0.33, "
    "between two faces under 40 pixels wide, and 0.23 where one face was large enough to "
    "serve as a reference photo. These are small test sets: the rates in real use can be "
    "higher, especially for relatives, look-alikes, heavily edited or very small faces."
)

# Measured by benchmarks/stylised_faces.py; kept in step with docs/matching.md ("What face matching
# can and cannot do").
STYLISED = N_(
    "Below the threshold, a face at least 64 pixels wide that scores 0.25 or more is listed "
    "as a possible match, to be checked by a person; this report includes a possible match "
    "only when the person confirmed it. Drawn and stylised images of a person score lower "
    "than photos; faces drawn in flat colours are slightly softened before they are "
    "compared, and a picture in which no face was found is searched again softened, which "
    "lifted cartoon and anime renderings and left strangers' scores where they were. On "
    "renderings the developers made from the sample photos (faces of 23 people in 11 styles, "
    "11 of them compared with their own reference photo, mostly the photo the rendering was "
    "made from), the default threshold matched every photo-like "
    "copy; paintings matched in 83 % of cases (92 % as a match or possible match), cartoons "
    "in 96 % (96 %), anime-like drawings in 83 % (96 %) and pencil and line drawings in 31 % "
    "(50 %). Across 2,238 pairs of a rendering and another person's reference photo, the "
    "highest score was 0.20 (99th percentile 0.16): no stranger reached either tier. "
    "Heavily stylised images (pencil sketches, strong anime) can score like a stranger and "
    "be missed, and images made by generators that do not carry a face's identity cannot be "
    "found by face comparison at all."
)


INTRO = N_(
    "This report lists images in which a face closely resembles the reference photos of "
    "the person named above. It was produced on that person's own computer by Likeness "
    "Guard; no image or face data was sent anywhere to make it. Each image is described "
    "with where it was found, when, how it was identified, and hashes that let anyone "
    "check later that the image and this report are unchanged."
)

BLUR_NOTE = N_(
    "To protect the person, images are blurred except for the face that matched, which "
    "is outlined. The exact original files are kept unchanged by Likeness Guard and can be "
    "checked against the SHA-256 hashes in this report."
)

UNBLURRED_NOTE = N_(
    "At the request of the person who produced it, this report shows the images without "
    "blurring. Please handle it accordingly."
)

METHOD = (
    (
        N_("How faces are found and compared"),
        N_(
            "Likeness Guard looks for faces in each image with a face detector (SCRFD) and "
            "turns each face into a list of numbers (an embedding, ArcFace) that describes its "
            "shape. The same is done for the reference photos that the person supplied of "
            "themselves. Two faces are compared by the cosine similarity of their embeddings: a "
            "number that is higher the more alike the faces are. The models run on the "
            "person's computer; the model files are identified on the cover by their SHA-256 "
            "hashes, so the analysis can be repeated with the same models."
        ),
    ),
    (
        N_("What the score means"),
        # Translators: quote "very likely you" and "possibly you" exactly as translated
        # elsewhere (the words printed next to each score).
        N_(
            "A face counts as a match when its similarity reaches the threshold shown on the "
            'cover. The words next to each score say how it compares: "very likely you" at '
            '0.50 or above, "possibly you" between the threshold and 0.50. A high score is '
            "strong evidence that two faces look alike. It is not proof of identity: "
            "relatives and look-alikes can score high, and a face edited onto another body "
            "(as in many fakes) scores as the face it was taken from."
        ),
    ),
    (N_("Measured error rates"), CALIBRATION),
    (N_("Possible matches, drawings and AI-made images"), STYLISED),
    (
        N_("Synthetic-media indicators"),
        N_(
            "Each image's own bytes were checked, offline, for signs of AI generation or "
            "editing: Content Credentials (C2PA), standard metadata fields that declare AI, "
            "settings written by image generators, and a known invisible watermark. When a sign "
            "is found, the report quotes the raw evidence. The absence of a sign does not prove "
            "that an image is real: most fakes carry no marker, and re-saving an image removes "
            "most of them."
        ),
    ),
    (
        N_("Hashes"),
        N_(
            "SHA-256 identifies the exact file: changing a single byte changes it. PDQ is a "
            "perceptual hash published by Meta and used by hash-sharing programmes for "
            "non-consensual intimate images: visually similar copies (resized, re-compressed) "
            "have PDQ hashes that differ in few of their 256 bits. The PDQ hash is computed as "
            "Meta's reference implementation and hash-sharing platforms compute it: on the "
            "pixels as stored in the file, ignoring the EXIF orientation, and on a copy squeezed "
            "to 512 by 512 pixels when the image is larger. When the EXIF orientation turns the "
            "picture, the hash of the picture as displayed is given too, labelled as such. PDQ "
            "quality below 50 means the hash is unreliable (the image is nearly flat)."
        ),
    ),
    (
        N_("Integrity of this report"),
        # Translators: "likeness-guard verify-report" is a command: keep it in English.
        N_(
            "Every fact in this report is also in its manifest, a JSON document attached inside "
            "this PDF (and saved next to it with the PDF's SHA-256). The PDF, attachment "
            "included, carries a digital signature (PAdES) made with a key that was created for "
            "the installation of Likeness Guard that produced it; the certificate's SHA-256 "
            "fingerprint is printed on the cover. "
            '"likeness-guard verify-report" checks the signature, then every field of the '
            "manifest and every image against it, and names anything that differs. The signature "
            "proves that the report is unchanged since that installation made it. It does not "
            "prove who ran the app: the key is not issued by any authority and names no one. "
            "Local file paths are shown relative to the folder that was scanned, and all times "
            "are in UTC."
        ),
    ),
)

NEXT_STEPS = (
    (
        N_("Preserve the evidence"),
        N_(
            "Keep this report, its JSON manifest and the original files. Do not edit or "
            "re-save the originals: their SHA-256 hashes prove they are unchanged. If an image "
            "is online, note the address and the date you saw it, and keep screenshots of the "
            "page in addition to this report."
        ),
    ),
    (
        N_("Report the images to the platform"),
        N_(
            "Most platforms have a form for reporting intimate images shared without consent "
            "or synthetic sexual images of real people, and many are legally required to act "
            "on such reports. Attach or quote this report's details: the address of each "
            "image, the page it was on, and the time it was retrieved."
        ),
    ),
    (
        N_("Ask for the images to be blocked by hash"),
        N_(
            "Hash-based blocking programmes, such as StopNCII.org, create a hash of an "
            "intimate image on your own device and share only the hash with participating "
            "platforms, which can then detect and block copies. The image itself is not "
            "uploaded. Take It Down (run by NCMEC) does the same for images taken when the "
            "person was under 18."
        ),
    ),
    (
        N_("Get support and advice"),
        N_(
            "Specialist helplines and victim-support organisations for image-based abuse exist "
            "in many countries and can help with takedowns and with going to the police. A "
            "lawyer or the police can tell you which laws apply where you live: in many places "
            "sharing, or threatening to share, intimate or sexual deepfake images without "
            "consent is a crime. You do not have to do this alone."
        ),
    ),
)
