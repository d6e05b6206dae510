"""The sentences of resources/takedown/platforms.json, marked for the translation catalogs.

The directory is data (JSON), which the catalog tools do not read: each sentence a person reads
from it (how to use a platform's form; who a hash-blocking service is for and what it does) is
listed here too, and translated where it is shown, `_(platform.how)`. A test keeps this list and
the file in step.
"""

from likeness_guard.locale import N_

PLATFORM_TEXTS = (
    # Translators: how to report on Facebook, Instagram, Messenger and Threads (Meta); keep the
    # names of buttons and menus as the site shows them.
    N_(
        "Use the Report button on the post, or Meta's page for intimate images shared without "
        "consent."
    ),
    # Translators: how to report on Google Search; keep the names of buttons and menus as the
    # site shows them.
    N_(
        'In Google Images, open the three-dot menu on the result, choose "Remove result", '
        'then "It shows a sexual image of me". This removes it from search results only, not '
        "from the site that hosts it."
    ),
    # Translators: how to report on YouTube; keep the names of buttons and menus as the site
    # shows them.
    N_("Use YouTube's privacy complaint process, or Report on the video."),
    # Translators: how to report on Microsoft (Bing, OneDrive, Xbox); keep the names of buttons
    # and menus as the site shows them.
    N_(
        "Microsoft's form for non-consensual intimate imagery covers Bing results and its own "
        "services."
    ),
    # Translators: how to report on Reddit; keep the names of buttons and menus as the site
    # shows them.
    N_("Choose the report reason for intimate or sexual media posted without permission."),
    # Translators: how to report on X (formerly Twitter); keep the names of buttons and menus as
    # the site shows them.
    N_(
        'Use Report on the post ("Nudity or sexual content" shared without consent), or X\'s '
        "help forms for safety and private media."
    ),
    # Translators: how to report on Discord; keep the names of buttons and menus as the site
    # shows them.
    N_(
        "Discord's Trust & Safety request form; attachment links from cdn.discordapp.com can "
        "be reported there."
    ),
    # Translators: how to report on Tumblr; keep the names of buttons and menus as the site
    # shows them.
    N_("Tumblr's abuse report form."),
    # Translators: how to report on Pornhub, YouPorn, RedTube (Aylo); keep the names of buttons
    # and menus as the site shows them.
    N_("The content removal request form; it is answered without an account."),
    # Translators: how to report on Telegram; keep the names of buttons and menus as the site
    # shows them.
    N_("Report the message in the app, and write to Telegram's abuse address with the t.me links."),
    # Translators: who StopNCII.org is for.
    N_("adults (18 and over) whose intimate images were shared or may be shared"),
    # Translators: what StopNCII.org does.
    N_(
        "The site computes a hash of each image on your own device and shares only the hash "
        "with partner platforms, which block matching uploads. The image itself is never "
        "uploaded."
    ),
    # Translators: who Take It Down (NCMEC) is for.
    N_("images or videos taken before the person was 18"),
    # Translators: what Take It Down (NCMEC) does.
    N_(
        "Also hashes on your own device; participating platforms remove and block matching "
        "copies. It can be used by the person shown, or by a parent or trusted adult."
    ),
)
