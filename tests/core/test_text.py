from wizard.text import printable, shorten


def test_control_sequences_are_removed() -> None:
    assert printable("\x1b[31mred\x1b[0m name\x07") == "red name"
    assert printable("title\x1b]0;pwned\x07 ok") == "title ok"
    assert printable("a\x9bb\x00c") == "abc"


def test_bidi_overrides_become_visible() -> None:
    assert printable("admin\u202eexe.txt") == "admin<U+202E>exe.txt"


def test_markup_is_left_alone_and_single_line() -> None:
    assert printable("[bold red]x[/]\n  y", single_line=True) == "[bold red]x[/] y"


def test_shorten() -> None:
    assert shorten("abcdef", 4) == "abc…"
    assert shorten("abc", 4) == "abc"
