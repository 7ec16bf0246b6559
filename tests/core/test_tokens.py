import base64

from crowdmock.core.tokens import issue_jwt, read_jwt


def test_round_trip():
    token = issue_jwt("s3cret", {"sub": "7"}, 60)
    assert read_jwt("s3cret", token)["sub"] == "7"


def test_expired_forged_and_garbage_tokens_are_none():
    assert read_jwt("s3cret", issue_jwt("s3cret", {"sub": "7"}, -1)) is None
    assert read_jwt("s3cret", issue_jwt("other", {"sub": "7"}, 60)) is None
    assert read_jwt("s3cret", "not.a.jwt") is None
    assert read_jwt("s3cret", "") is None


def test_alg_none_is_refused():
    import base64
    import json

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64({'sub': '1', 'exp': 9999999999})}."
    assert read_jwt("s3cret", unsigned) is None


def test_tokens_are_the_ones_python_jose_writes_and_reads():
    """crowdmock signs on the standard library; a real JWT library must read its tokens, and the other way round."""
    from jose import jwt

    from crowdmock.core.tokens import ALGORITHM

    token = issue_jwt("s3cret", {"sub": "7", "vnd": "crowdskout"}, 60)
    claims = jwt.decode(token, "s3cret", algorithms=[ALGORITHM])
    assert claims["sub"] == "7" and claims["vnd"] == "crowdskout" and claims["exp"] == claims["iat"] + 60
    assert jwt.encode(claims, "s3cret", algorithm=ALGORITHM) == token
    assert read_jwt("s3cret", jwt.encode({**claims, "sub": "8"}, "s3cret", algorithm=ALGORITHM))["sub"] == "8"


def test_another_algorithm_or_a_bad_claim_type_is_refused():
    from jose import jwt

    claims = read_jwt("s3cret", issue_jwt("s3cret", {"sub": "7"}, 60))
    assert read_jwt("s3cret", jwt.encode(claims, "s3cret", algorithm="HS512")) is None
    assert read_jwt("s3cret", jwt.encode({**claims, "sub": 7}, "s3cret", algorithm="HS256")) is None
    assert read_jwt("s3cret", jwt.encode({**claims, "exp": "soon"}, "s3cret", algorithm="HS256")) is None


def test_a_tampered_or_truncated_token_is_none():
    token = issue_jwt("s3cret", {"sub": "7"}, 60)
    header, claims, signature = token.split(".")
    assert read_jwt("s3cret", f"{header}.{claims}x.{signature}") is None
    assert read_jwt("s3cret", f"{header}.{claims}.{signature[:-2]}") is None
    assert read_jwt("s3cret", f"{header}.{claims}") is None
    assert read_jwt("s3cret", token + "é") is None
    assert read_jwt("s3cret", "a.b.c") is None
    # A header nested past Python's recursion limit is a bad token, not a server error.
    deep = base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode().rstrip("=")
    assert read_jwt("s3cret", f"{deep}.{claims}.{signature}") is None


def test_the_server_does_not_load_cryptography_for_tokens():
    """The point of signing on the standard library: no `cryptography` (~9 MB) in a process whose vendors are
    loaded and which issues JWTs. IdeaScale loads it only for a Multipass token."""
    import subprocess
    import sys

    vendors = ("crowdskout", "crowdynews", "dosomething", "ideascale", "ushahidi")
    code = (
        "import sys; from crowdmock.core.tokens import issue_jwt, read_jwt; "
        + "".join(f"import crowdmock.vendors.{vendor}.routes; " for vendor in vendors)
        + "import crowdmock.main; "
        "assert read_jwt('k', issue_jwt('k', {'sub': '1'}, 60)); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jose', 'cryptography')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
