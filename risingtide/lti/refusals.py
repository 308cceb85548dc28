"""Every way a launch can be refused, in words for the person who sees the page and for the
platform's administrator they should tell. A refusal never shows the token itself."""

from dataclasses import dataclass

_FIX_REGISTRATION = (
    "The tool registration in the platform and the platform registration in Rising Tide must "
    "name the same issuer, client id and deployment id."
)


@dataclass(frozen=True)
class Reason:
    title: str
    what: str  # what happened, for the person launching
    tell_admin: str  # what the platform's administrator should check


REASONS: dict[str, Reason] = {
    "unknown_issuer": Reason(
        "This learning platform is not registered",
        "Rising Tide does not know the learning platform that sent you here.",
        "A Rising Tide site administrator must register the platform (its issuer and client id) "
        "before it can launch Rising Tide. " + _FIX_REGISTRATION,
    ),
    "ambiguous_platform": Reason(
        "We cannot tell which registration this is",
        "Several registrations share this platform's issuer and it did not say which it meant.",
        "Configure the platform to send its client id (client_id) with the login request.",
    ),
    "bad_target": Reason(
        "The launch asked to open a page outside Rising Tide",
        "The platform asked to open an address that is not part of Rising Tide.",
        "Set the tool's target link URI to the launch address Rising Tide gave you.",
    ),
    "no_state": Reason(
        "This launch has run out of time or was already used",
        "The sign-in from your learning platform could not be matched to one that started here: "
        "it is more than 10 minutes old, was already used, or was started in another browser.",
        "Ask the person to go back to the course and open the activity again. If it keeps "
        "happening, the browser may be blocking cookies for Rising Tide: open the activity in "
        "a new window rather than inside the course page.",
    ),
    "bad_token": Reason(
        "The launch message could not be read",
        "The learning platform sent a launch message we could not read.",
        "The platform must send a signed id_token (a JWT) as LTI 1.3 describes.",
    ),
    "keys_unreachable": Reason(
        "We could not check the launch's signature",
        "The learning platform's public keys could not be fetched, so the launch could not be "
        "checked.",
        "Check the key set URL registered in Rising Tide, and that it answers with a JWKS.",
    ),
    "bad_signature": Reason(
        "The launch's signature is not valid",
        "The launch message was not signed by the learning platform's key, or was changed on "
        "the way.",
        "Check the key set URL registered in Rising Tide is the platform's own, and that the "
        "platform signs with a key published there (RS256).",
    ),
    "wrong_issuer": Reason(
        "The launch came from a different platform",
        "The launch message names a different learning platform from the one that started the "
        "sign-in.",
        _FIX_REGISTRATION,
    ),
    "wrong_audience": Reason(
        "The launch was meant for another tool",
        "The launch message was addressed to another tool, not to Rising Tide.",
        "The client id the platform gave Rising Tide must be the one registered here. "
        + _FIX_REGISTRATION,
    ),
    "expired": Reason(
        "The launch message has expired",
        "The launch message is too old (or dated in the future), so it was not accepted.",
        "Check the platform's clock is right, then launch again.",
    ),
    "nonce_reused": Reason(
        "This launch message was already used",
        "The launch message repeats one that was used before. Each launch may be used once.",
        "A message replayed from an earlier launch is refused. Launch again from the course.",
    ),
    "nonce_mismatch": Reason(
        "The launch does not match the sign-in",
        "The launch message does not belong to the sign-in that started it.",
        "The platform must return the nonce it was sent in the authentication request.",
    ),
    "unknown_deployment": Reason(
        "This deployment of Rising Tide is not registered",
        "The platform launched a deployment of Rising Tide we do not know.",
        "Add the deployment id shown in the platform's tool settings to the registration in "
        "Rising Tide.",
    ),
    "wrong_message": Reason(
        "This kind of launch is not supported",
        "Rising Tide opens resource links and deep linking (choosing a project) only.",
        "Send an LtiResourceLinkRequest or an LtiDeepLinkingRequest.",
    ),
    "wrong_version": Reason(
        "This LTI version is not supported",
        "The launch is not LTI 1.3.",
        "Set the tool's LTI version to 1.3.0.",
    ),
    "missing_claim": Reason(
        "The launch is missing information",
        "The launch message left out something every launch must carry.",
        "The platform must send the user (sub), the roles, the resource link or deep linking "
        "settings and the course (context) with each launch.",
    ),
    "role_not_supported": Reason(
        "Your role in the course cannot use Rising Tide",
        "Rising Tide opens for a course's teachers and pupils. Platform administrators and "
        "other roles are not given an account from a launch.",
        "Launch as a teacher (Instructor) or pupil (Learner) of the course. Site administrators "
        "manage Rising Tide from Rising Tide itself.",
    ),
    "role_changed": Reason(
        "Your role has changed",
        "This account was made as a pupil's, and the platform now says you teach the course. "
        "A pupil's account is never made into a teacher's by a launch.",
        "Ask a Rising Tide administrator to check this person's account.",
    ),
    "class_not_ready": Reason(
        "Your class is not set up in Rising Tide yet",
        "Your teacher has not opened Rising Tide from this course yet.",
        "A teacher of the course must launch Rising Tide once from it to set the class up.",
    ),
    "new_teacher": Reason(
        "Rising Tide cannot make you a teacher's account from this platform",
        "The platform says you teach this course, but it is not allowed to add teachers to "
        "Rising Tide, and no Rising Tide account is linked to you yet.",
        "Ask your school's G&T coordinator to let this platform add teachers, or to link your "
        "account (a Rising Tide site administrator sets \u201cNew teachers from launches\u201d "
        "in the platform's registration).",
    ),
    "new_teacher_staff": Reason(
        "Rising Tide cannot make you a teacher's account from this platform",
        "The platform says you teach this course, but not that you are a member of staff of "
        "the school, and no Rising Tide account is linked to you yet.",
        "Ask your school's G&T coordinator to let this platform add teachers, or to link your "
        "account. This platform adds teachers only when it sends an institution staff role "
        "(Faculty, Staff, Instructor or Administrator).",
    ),
    "school_moved": Reason(
        "This course belongs to another school in Rising Tide",
        "The learning platform is now registered for a different school from the one this "
        "course's class is in, so Rising Tide will not put anyone in it.",
        "A Rising Tide site administrator must check the platform's registration: a platform "
        "serves one school, and its school cannot change once people or courses came from it. "
        "Register the platform again (a new client id) for the other school.",
    ),
    "teachers_only": Reason(
        "Only teachers can add Rising Tide projects",
        "Choosing a project to put in the course is for the course's teachers.",
        "Deep linking is for Instructors of the course.",
    ),
    "project_not_here": Reason(
        "This project is not available",
        "The project this link opens is not one of this school's, or is no longer set to your "
        "class.",
        "Ask the teacher to add the project to the course again.",
    ),
}


class Refused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.reason = REASONS[code]
