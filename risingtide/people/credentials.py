"""Sign-in names and first passwords that a seven-year-old can type from a printed card."""

import re
import secrets
import unicodedata

# Short, concrete, unambiguous words (no homophones, nothing a child would stumble on).
WORDS = [
    "acorn",
    "amber",
    "anchor",
    "apple",
    "arrow",
    "badger",
    "banjo",
    "beacon",
    "berry",
    "bison",
    "blossom",
    "bramble",
    "breeze",
    "bridge",
    "bubble",
    "cactus",
    "camel",
    "candle",
    "canoe",
    "carrot",
    "castle",
    "cedar",
    "cherry",
    "cloud",
    "clover",
    "comet",
    "copper",
    "coral",
    "cotton",
    "crayon",
    "cricket",
    "daisy",
    "dolphin",
    "dragon",
    "eagle",
    "ember",
    "falcon",
    "feather",
    "fern",
    "ferry",
    "fig",
    "flame",
    "forest",
    "fossil",
    "fox",
    "galaxy",
    "garden",
    "gecko",
    "ginger",
    "glacier",
    "globe",
    "goose",
    "granite",
    "harbour",
    "hazel",
    "hedgehog",
    "heron",
    "honey",
    "island",
    "ivy",
    "jasper",
    "jelly",
    "kestrel",
    "kettle",
    "kite",
    "koala",
    "lantern",
    "lemon",
    "lilac",
    "lily",
    "lobster",
    "lotus",
    "magnet",
    "mango",
    "maple",
    "marble",
    "meadow",
    "melon",
    "meteor",
    "mint",
    "moon",
    "moss",
    "nectar",
    "nutmeg",
    "oak",
    "ocean",
    "olive",
    "orbit",
    "otter",
    "owl",
    "panda",
    "parrot",
    "peach",
    "pebble",
    "pepper",
    "pine",
    "planet",
    "plum",
    "pony",
    "puffin",
    "pumpkin",
    "quartz",
    "quill",
    "rabbit",
    "radish",
    "rainbow",
    "raven",
    "reef",
    "river",
    "robin",
    "rocket",
    "saddle",
    "salmon",
    "sandal",
    "satellite",
    "seal",
    "shell",
    "sparrow",
    "spruce",
    "squirrel",
    "star",
    "stream",
    "summit",
    "sunflower",
    "swan",
    "thistle",
    "thunder",
    "tiger",
    "tomato",
    "tulip",
    "turtle",
    "valley",
    "violet",
    "walnut",
    "whale",
    "willow",
    "wombat",
    "yak",
    "zebra",
]


def new_password() -> str:
    """Two words and two digits, e.g. ``otter-maple-42`` (about 21 bits; sign-in is throttled)."""
    return f"{secrets.choice(WORDS)}-{secrets.choice(WORDS)}-{secrets.randbelow(90) + 10}"


def _ascii_slug(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", value.lower())


def username_base(first_name: str, last_name: str) -> str:
    """``amira.k`` for Amira Khan: first name and surname initial, as schools print them."""
    first = _ascii_slug(first_name)[:20] or "pupil"
    last = _ascii_slug(last_name)[:1] or "x"
    return f"{first}.{last}"


def unique_usernames(bases: list[str], taken: set[str]) -> list[str]:
    """One free name per base: the base itself, else the base with the lowest free number."""
    used = set(taken)
    names = []
    for base in bases:
        name, number = base, 1
        while name in used:
            number += 1
            name = f"{base}{number}"
        used.add(name)
        names.append(name)
    return names
