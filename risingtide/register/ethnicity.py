"""DfE ethnicity codes (main and extended) and the major group each belongs to."""

MAJOR_GROUPS = {
    "W": "White",
    "M": "Mixed",
    "A": "Asian",
    "B": "Black",
    "C": "Chinese",
    "O": "Any other",
    "U": "Unclassified",
}

_MAIN = {
    "WBRI": "W", "WIRI": "W", "WIRT": "W", "WOTH": "W", "WROM": "W",
    "MWBC": "M", "MWBA": "M", "MWAS": "M", "MOTH": "M",
    "AIND": "A", "APKN": "A", "ABAN": "A", "AOTH": "A",
    "BCRB": "B", "BAFR": "B", "BOTH": "B",
    "CHNE": "C",
    "OOTH": "O",
    "REFU": "U", "NOBT": "U",
}  # fmt: skip

# Extended codes a school may use instead (they roll up to the same major groups).
_EXTENDED = {
    "W": "WENG WSCO WWEL WCOR WOWB WROG WRPE WALB WBOS WCRO WGRE WGRK WGRC WITA WKOS WPOR "
    "WSER WTUR WTUK WTUC WEUR WEEU WWEU WOTW",
    "M": "MAOE MABL MACH MBOE MCOE MWOE MOTM",
    "A": "AKPA AMPK AOPK AAFR AKAO ANEP ASNL ASLT ASRO AOTA",
    "B": "BANN BCON BGHA BNGN BSLN BSOM BSUD BAOF BEUR BNAM BOTB",
    "C": "CHKC CMAL CSNG CTWN COCH",
    "O": "OAFG OARA OEGY OFIL OIRN OIRQ OJPN OKOR OKRD OLAM OLEB OLIB OMAL OMRC OPOL OTHA "
    "OVIE OYEM OOEG",
}

CODES: dict[str, str] = {
    **{code: MAJOR_GROUPS[group] for code, group in _MAIN.items()},
    **{code: MAJOR_GROUPS[group] for group, codes in _EXTENDED.items() for code in codes.split()},
}


def major_group(code: str) -> str | None:
    """The major group of an ethnicity code, or None if the code is not one we know."""
    return CODES.get(code.strip().upper())
