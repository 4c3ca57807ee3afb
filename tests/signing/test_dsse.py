"""DSSE pre-authentication encoding and the envelope JSON shape."""

from __future__ import annotations

import base64
import json

import pytest

from wizard.signing.dsse import PAYLOAD_TYPE, Envelope, EnvelopeSignature, pae
from wizard.signing.errors import EnvelopeError


def test_pae_matches_the_dsse_specification_example() -> None:
    assert (
        pae("http://example.com/HelloWorld", b"hello world")
        == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_counts_utf8_bytes_not_characters() -> None:
    assert pae("t\u00e9", "\u00e9".encode()) == b"DSSEv1 3 t\xc3\xa9 2 \xc3\xa9"


def test_pae_of_an_empty_payload() -> None:
    assert pae(PAYLOAD_TYPE, b"") == b"DSSEv1 28 application/vnd.in-toto+json 0 "


def test_envelope_pae_is_over_its_own_type_and_payload() -> None:
    envelope = Envelope(payload=b"{}", payload_type=PAYLOAD_TYPE)
    assert envelope.pae() == b"DSSEv1 28 application/vnd.in-toto+json 2 {}"


def test_json_round_trip_keeps_payload_type_and_signatures() -> None:
    envelope = Envelope(
        payload=b'{"_type": "https://in-toto.io/Statement/v1"}\n\xff',
        payload_type=PAYLOAD_TYPE,
        signatures=[
            EnvelopeSignature(keyid="SHA256:abc", sig=base64.b64encode(b"first").decode()),
            EnvelopeSignature(keyid="", sig=base64.b64encode(b"second").decode()),
        ],
    )
    reread = Envelope.from_json(json.loads(json.dumps(envelope.to_json())))
    assert reread == envelope


def test_to_json_writes_the_standard_alphabet_with_padding() -> None:
    data = Envelope(payload=b"\xfb\xff", payload_type="t").to_json()
    assert data == {"payload": "+/8=", "payloadType": "t", "signatures": []}


def test_from_json_accepts_url_safe_unpadded_base64_and_normalises_sig() -> None:
    envelope = Envelope.from_json(
        {"payload": "-_8", "payloadType": "t", "signatures": [{"keyid": "k", "sig": "-_8"}]}
    )
    assert envelope.payload == b"\xfb\xff"
    assert envelope.signatures == [EnvelopeSignature(keyid="k", sig="+/8=")]


def test_from_json_treats_a_missing_keyid_as_empty() -> None:
    envelope = Envelope.from_json(
        {"payload": "", "payloadType": "t", "signatures": [{"sig": "YQ=="}]}
    )
    assert envelope.signatures == [EnvelopeSignature(keyid="", sig="YQ==")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "the envelope is not a JSON object"),
        ({"payloadType": "t", "signatures": []}, 'the envelope has no "payload" string'),
        (
            {"payload": 5, "payloadType": "t", "signatures": []},
            'the envelope has no "payload" string',
        ),
        ({"payload": "", "signatures": []}, 'the envelope has no "payloadType" string'),
        (
            {"payload": "", "payloadType": "", "signatures": []},
            'the envelope has no "payloadType" string',
        ),
        ({"payload": "", "payloadType": "t"}, 'the envelope has no "signatures" list'),
        (
            {"payload": "", "payloadType": "t", "signatures": {}},
            'the envelope has no "signatures" list',
        ),
        (
            {"payload": "", "payloadType": "t", "signatures": ["x"]},
            'signature 1 in the envelope is not an object with a "sig" string',
        ),
        (
            {"payload": "", "payloadType": "t", "signatures": [{"sig": "YQ=="}, {"keyid": "k"}]},
            'signature 2 in the envelope is not an object with a "sig" string',
        ),
        (
            {"payload": "", "payloadType": "t", "signatures": [{"sig": "YQ==", "keyid": 3}]},
            'signature 1 in the envelope has a "keyid" that is not a string',
        ),
        (
            {"payload": "a b", "payloadType": "t", "signatures": []},
            "the envelope payload is not valid base64",
        ),
        (
            {"payload": "abcde", "payloadType": "t", "signatures": []},
            "the envelope payload is not valid base64",
        ),
        (
            {"payload": "", "payloadType": "t", "signatures": [{"sig": "*"}]},
            "signature 1 in the envelope is not valid base64",
        ),
    ],
)
def test_from_json_rejects_bad_shapes_with_one_clear_sentence(data: object, message: str) -> None:
    with pytest.raises(EnvelopeError) as raised:
        Envelope.from_json(data)
    assert str(raised.value) == message
