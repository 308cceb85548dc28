"""CTF files made for tests, in the layouts schools' systems produce."""

from risingtide.register.upn import make_upn

LAYOUTS = ("names_at_pupil", "names_in_basic_details")


def pupil_xml(n: int, layout: str, **override) -> str:
    upn = override.get("upn", make_upn(801, 2000, 15 + n // 1000, n % 1000))
    surname, forename = override.get("surname", f"Surname{n}"), f"Forename{n}"
    dob = override.get("dob", f"20{12 + n % 3}-0{1 + n % 9}-1{n % 9}")
    ethnicity = override.get("ethnicity", ["WBRI", "APKN", "BAFR", "MWBC", "CHNE"][n % 5])
    names = (
        f"<Surname>{surname}</Surname><Forename>{forename}</Forename>"
        if layout == "names_at_pupil"
        else ""
    )
    basic_names = (
        f"<LegalSurname>{surname}</LegalSurname><LegalForename>{forename}</LegalForename>"
        if layout == "names_in_basic_details"
        else ""
    )
    in_care = override.get("in_care", "")
    year = override.get("year", "2023")
    gifted_talented = override.get("gifted_talented", "")
    sen = override.get(
        "sen",
        "<SENhistory><SEN><StartDate>2020-01-01</StartDate><SENprovision>K</SENprovision>"
        "</SEN></SENhistory>",
    )
    fsm = (
        "<FSMhistory><FSMinstance><FSMstartDate>2019-09-01</FSMstartDate>"
        "<FSMendDate>2021-07-20</FSMendDate></FSMinstance></FSMhistory>"
        if n % 4 == 0
        else ""
    )
    return (
        f"<Pupil><UPN>{upn}</UPN>{names}<DOB>{dob}</DOB><Gender>{'MF'[n % 2]}</Gender>"
        f"<BasicDetails>{basic_names}<NCyearActual>{7 + n % 5}</NCyearActual>"
        f"<Ethnicity>{ethnicity}</Ethnicity><FirstLanguage>ENG</FirstLanguage>"
        f"{in_care}<UnknownThing>ignored</UnknownThing></BasicDetails>{fsm}"
        f"{sen}"
        "<StageAssessments><KeyStage><StageAssessment><Stage>KS2</Stage><Subject>MAT</Subject>"
        "<Method>TT</Method><Component>SCALED</Component><Result>110</Result>"
        f"<Year>{year}</Year></StageAssessment><StageAssessment/></KeyStage></StageAssessments>"
        f"{gifted_talented}<Contacts><Contact><Surname>NotThePupil</Surname></Contact></Contacts></Pupil>"
    )


def gifted_talented_xml(flag="true", domains=("maths", "music"), **flags: str) -> str:
    """Our CTF export's G&T section; ``gifted="true"`` etc. add the optional flags."""
    tags = {"gifted": "Gifted", "talented": "Talented", "top_5": "Top5"}
    optional = "".join(f"<{tags[k]}>{v}</{tags[k]}>" for k, v in flags.items())
    listed = "".join(f"<Domain>{d}</Domain>" for d in domains)
    return (
        f"<GiftedTalented><Flag>{flag}</Flag>{optional}<Domains>{listed}</Domains></GiftedTalented>"
    )


def ctf(pupils: list[str], version: str = "21.0", root: str = "CTfile") -> bytes:
    header = (
        f"<Header><DocumentName>Common Transfer File</DocumentName><CTFversion>{version}"
        "</CTFversion><DateTime>2026-11-20T10:00:00</DateTime><SourceSchool><LEA>801</LEA>"
        "<Estab>2000</Estab><URN>100001</URN><SchoolName>Riverton Primary</SchoolName>"
        "</SourceSchool><DestSchool><LEA>801</LEA><Estab>4000</Estab></DestSchool></Header>"
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{root}>{header}<CTFpupilData>'
        + "".join(pupils)
        + f"</CTFpupilData></{root}>"
    ).encode()
