"""Text with digits inside words (CTF flags): the words cracker's key where it differs from the
model's; the language of what the flag says."""

from dataclasses import replace

from caesar_rnn.cipher import encrypt
from caesar_rnn.decoding import flags, language
from caesar_rnn.decoding.decode import Alternative, Decryption

FLAG = "flag{r0t13_1s_n0t_encrypt10n}"


def _answer(cipher: str, shift: int) -> Decryption:
    """A calibrated key-decode answer under ``shift`` (right or wrong)."""
    plain = encrypt(cipher, -shift)
    return Decryption(cipher, plain, shift, 0.5, False, [Alternative(1, "x", 0.5)], True)


def test_is_leet() -> None:
    assert flags.is_leet("th1s") and flags.is_leet("2nd") and flags.is_leet("a1")
    assert not flags.is_leet("picoCTF{the_flag_is_here}")
    assert not flags.is_leet("in 1984 there were 3 of us")  # numbers, not leetspeak


def test_spelled_out() -> None:
    c = encrypt(FLAG, 13)
    assert flags.spelled_out(c, 13) == encrypt("flag{rotie_is_not_encryption}", 13)
    assert flags.spelled_out("Khoor", 3) == "Khoor"  # no digits: unchanged


def test_a_wrong_model_key_gives_way_to_the_words_key() -> None:
    c = encrypt(FLAG, 13)
    [d] = flags.with_words_key([_answer(c, 0)], top=3)  # the model read it unchanged
    assert d.plaintext == FLAG and d.shift == 13 and d.decode == "words"
    assert not d.calibrated and 0.5 < d.confidence <= 1 and len(d.alternatives) == 3
    assert d.alternatives[0].shift != 13
    assert d.english is None  # the model's verdict was on its own reading, not this one


def test_flags_are_read_with_the_words_and_a_known_prefix() -> None:
    right = _answer(encrypt(FLAG, 13), 13)
    plain = _answer(encrypt("the quick brown fox", 5), 20)  # no flag: not this rule's
    argmax = replace(_answer(encrypt(FLAG, 4), 1), decode="argmax")
    out = flags.with_words_key([right, plain, argmax])
    assert out[0].plaintext == FLAG and out[0].decode == "words"  # its confidence, the words'
    assert out[0].confidence == flags.CONFIRMED  # "flag" read as a known prefix
    assert out[1] is plain and out[2] is argmax
    # A prefix settles what the fragments cannot: "0x41414141" spelled out reads "of ...".
    hexflag = _answer(encrypt("flag{0x41414141}", 19), 0)
    [d] = flags.with_words_key([hexflag])
    assert d.plaintext == "flag{0x41414141}" and d.confidence == flags.CONFIRMED
    # No known prefix: at most UNCONFIRMED, the rest shared by the runners-up.
    [d] = flags.with_words_key([_answer(encrypt("th1s_1s_s3cr3t", 9), 0)], top=25)
    assert d.confidence <= flags.UNCONFIRMED
    assert d.confidence + sum(a.probability for a in d.alternatives) <= 1 + 1e-9
    assert flags.known_prefix("picoCTF") and flags.known_prefix("HTB")
    assert not flags.known_prefix("ntio")
    assert flags.is_flag("synt{abg_fb_frperg}") and not flags.is_flag("the {set} of")


def test_everyday_digits_the_model_reads_right_keep_its_answer() -> None:
    # QA round 3: "Meet at 4th street" came back "unsure (0.50)" with a junk runner-up at 0.5.
    for text in ("Meet at 4th street", "See you at 5pm", "Bus 42A leaves at 8am"):
        right = replace(_answer(encrypt(text, 7), 7), confidence=0.99, english=True)
        assert flags.with_words_key([right])[0] is right, text


def test_leetspeak_the_model_reads_right_keeps_its_answer() -> None:
    # Without a flag's braces, where the words cracker's key is the model's, the model's
    # calibrated answer stands; where it differs, the words cracker's reading replaces it.
    c = encrypt("th1s 1s n0t s3cur3 at all", 9)
    right = replace(_answer(c, 9), confidence=0.93)
    [d] = flags.with_words_key([right])
    assert d is right
    [d] = flags.with_words_key([_answer(c, 0)])
    assert d.shift == 9 and d.decode == "words"
    # A flag is always the words cracker's reading (its prefix sets the confidence).
    f = _answer(encrypt(FLAG, 13), 13)
    assert flags.with_words_key([f])[0].decode == "words"


def test_the_language_step_names_flags_english() -> None:
    fr = "drapeau{c3c1_n_3st_p4s_s3cur1s3}"
    out = language.with_language([_answer(encrypt(FLAG, 13), 0), _answer(encrypt(fr, 7), 7)])
    assert out[0].plaintext == FLAG and out[0].language == "en" and out[0].decode == "words"
    assert out[1].plaintext == fr and out[1].language == "en"  # read with English words
    assert language.note(out[0]) is None


def test_agreeing_keys_carry_the_higher_confidence_and_short_leet_is_unsure() -> None:
    # QA round 5: "m4hp ym3 uq4s3y" printed "h4ck th3 pl4n3t" at 3e-5 (the model's calibration,
    # fitted on text without digits) with a junk runner-up at 0.997.
    c = encrypt("h4ck th3 pl4n3t", 5)
    low = replace(_answer(c, 5), confidence=3e-5)
    [d] = flags.with_words_key([low])
    assert d.shift == 5 and d.decode == "words" and d.confidence > 3e-5
    # Nine letters (digits not counted): at most the short cap; from 15 letters, the long one.
    assert d.confidence <= flags.UNCONFIRMED_FROM[-1][1]
    long = encrypt("th1s 1s n0t s3cur3 at all", 9)  # 15 letters
    [d] = flags.with_words_key([replace(_answer(long, 0), confidence=0.1)])
    assert d.shift == 9 and d.confidence <= flags.UNCONFIRMED and d.confidence > 0.5


def test_a_body_encrypted_alone_is_decrypted_alone() -> None:
    """``HTB{wkh_iodj_lv_khuh}``: the prefix in clear, the body encrypted (QA round 6)."""
    text = "Here it is: HTB{wkh_iodj_lv_khuh} good luck"
    [d] = flags.with_words_key([_answer(text, 0)], top=2)
    assert d.plaintext == "Here it is: HTB{the_flag_is_here} good luck"
    assert d.shift == 3 and d.decode == "flag-body" and not d.calibrated
    assert d.confidence <= flags.UNCONFIRMED and len(d.alternatives) == 2
    assert all(a.plaintext.startswith("Here it is: HTB{") for a in d.alternatives)
    # A body in clear stays as written, words or not (a short one is not read at all).
    for clear in ("HTB{the_flag_is_here}", "HTB{8zyt3nvztkcdnv20l8k0c1y97z51wht7}", "HTB{xyz}"):
        [d] = flags.with_words_key([_answer(clear, 0)])
        assert d.plaintext == clear and d.shift == 0 and d.confidence == flags.CONFIRMED, clear


def test_a_known_prefix_outweighs_a_long_random_body() -> None:
    """A known prefix settles the key: a body of random letters and digits scores differently
    under each shift by more than the old bonus of 100 (27 % of such flags went wrong)."""
    flag = "HTB{135b8dmw7m8ullgcfz_fb_tpiv4qpc7b}"
    for key in (0, 7):
        [d] = flags.with_words_key([_answer(encrypt(flag, key), (key + 1) % 26)])
        assert d.plaintext == flag and d.shift == key and d.decode == "words"


def test_more_prefixes_ctfs_use() -> None:
    """QA round 7: ``CSAW{wkh_iodj_lv_khuh}`` became ``ZPXT{the_flag_is_here}``."""
    for prefix in ("CSAW", "HackTheBox", "SECCON", "hitcon"):
        text = f"{prefix}{{wkh_iodj_lv_khuh}}"
        [d] = flags.with_words_key([_answer(text, 3)])
        assert d.plaintext == f"{prefix}{{the_flag_is_here}}" and d.decode == "flag-body", prefix
