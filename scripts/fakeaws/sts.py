"""STS actions: GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity (unsigned).

Handlers run under the app lock and return a result dict in member-name form."""

import re

from .creds import role_principal
from .data import ROLE_ARN_RE
from .util import ApiError

ACTIONS = ("GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity")
UNSIGNED = ("AssumeRoleWithWebIdentity",)

_LIST = r"(?:PolicyArns\.member\.[0-9]+\.arn|Tags\.member\.[0-9]+\.(?:Key|Value)|" \
        r"TransitiveTagKeys\.member\.[0-9]+|ProvidedContexts\.member\.[0-9]+\." \
        r"(?:ProviderArn|ContextAssertion))"
_PARAMS = {
    "GetCallerIdentity": (),
    "AssumeRole": ("RoleArn", "RoleSessionName", "DurationSeconds", "ExternalId", "SerialNumber",
                   "TokenCode", "Policy", "SourceIdentity", _LIST),
    "AssumeRoleWithWebIdentity": ("RoleArn", "RoleSessionName", "WebIdentityToken",
                                  "ProviderId", "Policy", "DurationSeconds",
                                  r"PolicyArns\.member\.[0-9]+\.arn"),
}
_PARAM_RE = {a: re.compile("^(?:%s)$" % "|".join(p or ("(?!)",))) for a, p in _PARAMS.items()}


def check_params(action, params):
    for name in params:
        if name in ("Action", "Version"):
            continue
        if not _PARAM_RE[action].match(name):
            raise ApiError("InvalidParameterValue",
                           "The parameter %s is not recognized by %s" % (name, action))


def _validation(value, field, constraint):
    return ApiError("ValidationError", "1 validation error detected: Value %s at '%s' failed to "
                    "satisfy constraint: %s" % ("null" if value is None else "'%s'" % value,
                                                field, constraint))


def _require(params, name, field):
    v = params.get(name)
    if v is None:
        raise _validation(None, field, "Member must not be null")
    return v


def _role_arn(params):
    arn = _require(params, "RoleArn", "roleArn")
    if not 20 <= len(arn) <= 2048:
        raise _validation(arn, "roleArn", "Member must have length between 20 and 2048")
    return arn


def _session_name(params):
    s = _require(params, "RoleSessionName", "roleSessionName")
    if not 2 <= len(s) <= 64:
        raise _validation(s, "roleSessionName", "Member must have length between 2 and 64")
    if not re.fullmatch(r"[\w+=,.@-]*", s, re.A):
        raise _validation(s, "roleSessionName",
                          "Member must satisfy regular expression pattern: [\\w+=,.@-]*")
    return s


def _duration(params, role, chained):
    d = params.get("DurationSeconds")
    if d is None:
        return 3600
    if not re.fullmatch(r"[0-9]+", d):
        raise _validation(d, "durationSeconds", "Member must be an integer")
    n = int(d)
    if n < 900:
        raise _validation(d, "durationSeconds",
                          "Member must have value greater than or equal to 900")
    if n > 43200:
        raise _validation(d, "durationSeconds", "Member must have value less than or equal to "
                          "43200")
    if chained and n > 3600:
        raise ApiError("ValidationError", "The requested DurationSeconds exceeds the 1 hour "
                       "session limit for roles assumed by role chaining.")
    if n > role.max_session:
        raise ApiError("ValidationError", "The requested DurationSeconds exceeds the "
                       "MaxSessionDuration set for this role.")
    return n


def _issue(app, role, session, params, chained, source):
    duration = _duration(params, role, chained)
    lifetime = role.expiration_seconds or duration
    principal = role_principal(role, session, chained=chained)
    cred = app.creds.mint(principal, app.now(), lifetime, source)
    app.stats.credential_issued(source)
    result = {
        "Credentials": {"AccessKeyId": cred.access_key, "SecretAccessKey": cred.secret,
                        "SessionToken": cred.token, "Expiration": cred.expiration},
        "AssumedRoleUser": {"AssumedRoleId": principal.user_id, "Arn": principal.arn},
    }
    policy_size = len(params.get("Policy", "")) + 60 * sum(
        1 for k in params if k.startswith("PolicyArns.member."))
    if policy_size:
        result["PackedPolicySize"] = min(100, 1 + policy_size // 20)
    return result


def get_caller_identity(app, params, principal, region):
    return {"UserId": principal.user_id, "Account": principal.account, "Arn": principal.arn}


def assume_role(app, params, principal, region):
    arn = _role_arn(params)
    session = _session_name(params)
    role = app.world.roles.get(arn)
    denied = ApiError("AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on "
                      "resource: %s" % (principal.arn, arn), 403)
    if not ROLE_ARN_RE.match(arn) or role is None or not role.trusts(principal) or \
            not principal.may("AssumeRole"):
        raise denied
    if role.external_id is not None and params.get("ExternalId") != role.external_id:
        raise denied
    if role.mfa is not None:
        if params.get("SerialNumber") != role.mfa["serial"]:
            raise denied
        code = params.get("TokenCode")
        if code is None or not re.fullmatch(r"[0-9]{6}", code):
            raise _validation(code, "tokenCode", "Member must satisfy regular expression "
                              "pattern: [\\d]*")
        if code != str(role.mfa["code"]):
            raise ApiError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA "
                           "one time pass code.", 403)
    chained = principal.kind == "assumed-role"
    result = _issue(app, role, session, params, chained, "AssumeRole")
    if params.get("SourceIdentity"):
        result["SourceIdentity"] = params["SourceIdentity"]
    return result


def assume_role_with_web_identity(app, params, principal, region):
    arn = _role_arn(params)
    session = _session_name(params)
    token = _require(params, "WebIdentityToken", "webIdentityToken")
    if not 4 <= len(token) <= 20000:
        raise ApiError("ValidationError", "1 validation error detected: Value at "
                       "'webIdentityToken' failed to satisfy constraint: Member must have length "
                       "between 4 and 20000")
    role = app.world.roles.get(arn)
    if role is not None and token in role.expired_web_tokens:
        raise ApiError("ExpiredTokenException", "Token expired: current date/time is after the "
                       "token's expiration date/time", 400)
    if role is not None and token in role.web_tokens:
        result = _issue(app, role, session, params, False, "AssumeRoleWithWebIdentity")
        result.update({
            "SubjectFromWebIdentityToken": "system:serviceaccount:ltsnap:ltsnap",
            "Provider": "arn:aws:iam::%s:oidc-provider/oidc.fake-aws.invalid" % role.account,
            "Audience": "sts.amazonaws.com",
        })
        return result
    known = any(token in r.web_tokens or token in r.expired_web_tokens
                for r in app.world.roles.values())
    if known:
        raise ApiError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity",
                       403)
    raise ApiError("InvalidIdentityToken", "The web identity token that was passed could not be "
                   "validated by AWS. Get a new identity token from the identity provider and "
                   "then retry the request.", 400)


HANDLERS = {
    "GetCallerIdentity": get_caller_identity,
    "AssumeRole": assume_role,
    "AssumeRoleWithWebIdentity": assume_role_with_web_identity,
}
