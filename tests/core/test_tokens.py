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
