//! Plain-text views of HTML field content, computed the way Anki computes
//! them: the sort field (`notes.sfld`), the first-field checksum
//! (`notes.csum`) and the "is this field empty" test used for card generation.
//!
//! These follow the behaviour of Anki's backend (checked against the official
//! `anki` 26.09 library); the implementation here is our own, without a regex
//! engine.

use sha1::{Digest, Sha1};

use super::entities;

/// Tags whose `src`/`data` file name Anki keeps when it strips HTML.
const MEDIA_TAGS: [&str; 5] = ["img", "audio", "video", "object", "source"];

/// The text Anki derives from a field for sorting and duplicate checks:
/// media tags (`<img src=x.png>` …) become ` x.png `, comments, `<style>`,
/// `<script>` and all other tags are removed, then HTML entities are decoded
/// (HTML 4 names and numeric references; if any `&` does not start a valid
/// reference the text is left undecoded, as Anki does) and no-break spaces
/// become spaces. Whitespace is not trimmed.
#[must_use]
pub fn strip_html_preserving_media_filenames(html: &str) -> String {
    // Without a tag or an entity there is nothing to strip (the usual
    // question stem).
    if !html.bytes().any(|b| b == b'<' || b == b'&') {
        return html.to_owned();
    }
    let with_names = replace_media_tags(html);
    let without_tags = remove_tags(&with_names);
    decode_entities(&without_tags)
}

/// The checksum Anki stores in `notes.csum`: the first 4 bytes (8 hex
/// digits) of the SHA-1 of the stripped first field, read big-endian.
#[must_use]
pub fn field_checksum(first_field_html: &str) -> u32 {
    checksum_of_stripped(&strip_html_preserving_media_filenames(first_field_html))
}

/// [`field_checksum`] of a field already stripped with
/// [`strip_html_preserving_media_filenames`].
pub(crate) fn checksum_of_stripped(text: &str) -> u32 {
    let digest = Sha1::digest(text.as_bytes());
    let mut first4 = [0u8; 4];
    first4.copy_from_slice(&digest[..4]);
    u32::from_be_bytes(first4)
}

/// True when Anki treats the field as empty for card generation: it holds
/// only ASCII whitespace and `<br>` / `<div>` tags (`<br/>`, `</div>`, …).
/// Anything else, even `&nbsp;`, makes the field non-empty.
#[must_use]
pub fn field_is_empty(html: &str) -> bool {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if is_ascii_space(bytes[i]) {
            i += 1;
        } else if let Some(len) = empty_tag_len(&bytes[i..]) {
            i += len;
        } else {
            return false;
        }
    }
    true
}

/// `[[:space:]]`: space, tab, newline, vertical tab, form feed, return.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Length of a `</?(br|div) ?/?>` tag (any case) at the start of `s`.
fn empty_tag_len(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    if s.first() != Some(&b'<') {
        return None;
    }
    i += 1;
    if s.get(i) == Some(&b'/') {
        i += 1;
    }
    let name_len = if starts_with_ci(&s[i..], b"br") {
        2
    } else if starts_with_ci(&s[i..], b"div") {
        3
    } else {
        return None;
    };
    i += name_len;
    if s.get(i) == Some(&b' ') {
        i += 1;
    }
    if s.get(i) == Some(&b'/') {
        i += 1;
    }
    (s.get(i) == Some(&b'>')).then_some(i + 1)
}

fn starts_with_ci(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len() && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

/// Position of the first (ASCII case-insensitive) `needle` in `haystack[from..]`.
fn find_ci(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| p + from)
}

fn find_byte(haystack: &[u8], from: usize, needle: u8) -> Option<usize> {
    haystack
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|p| p + from)
}

/// Removes `<!--…-->`, `<style…>…</style>`, `<script…>…</script>` and every
/// `<…>` tag (leftmost match first, as Anki's pattern does).
fn remove_tags(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(lt) = find_byte(bytes, i, b'<') {
        match tag_end(bytes, lt) {
            Some(end) => {
                out.push_str(&html[copied..lt]);
                copied = end;
                i = end;
            }
            None => i = lt + 1,
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// End (exclusive) of the comment, style/script block or tag starting at `lt`.
fn tag_end(bytes: &[u8], lt: usize) -> Option<usize> {
    let rest = &bytes[lt..];
    if rest.starts_with(b"<!--")
        && let Some(p) = find_ci(bytes, lt + 4, b"-->")
    {
        return Some(p + 3);
    }
    for (open, close) in [
        (&b"<style"[..], &b"</style>"[..]),
        (b"<script", b"</script>"),
    ] {
        if starts_with_ci(rest, open)
            && let Some(gt) = find_byte(bytes, lt + open.len(), b'>')
            && let Some(p) = find_ci(bytes, gt + 1, close)
        {
            return Some(p + close.len());
        }
    }
    find_byte(bytes, lt + 1, b'>').map(|gt| gt + 1)
}

/// Replaces each media tag with ` file-name `.
fn replace_media_tags(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(lt) = find_byte(bytes, i, b'<') {
        match media_tag_at(bytes, lt) {
            Some((name, end)) => {
                out.push_str(&html[copied..lt]);
                out.push(' ');
                out.push_str(&html[name.0..name.1]);
                out.push(' ');
                copied = end;
                i = end;
            }
            None => i = lt + 1,
        }
    }
    out.push_str(&html[copied..]);
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// A media tag at `lt`: the file name's byte range and the tag's end.
///
/// Mirrors Anki's pattern `<(img|audio|video|object|source)\b` followed by
/// attributes (quoted values may hold `>`) and a `src=` or `data=` attribute
/// whose value is double-quoted, single-quoted or bare.
fn media_tag_at(bytes: &[u8], lt: usize) -> Option<((usize, usize), usize)> {
    let after_lt = lt + 1;
    let name_len = MEDIA_TAGS
        .iter()
        .find(|t| starts_with_ci(&bytes[after_lt..], t.as_bytes()))?
        .len();
    let start = after_lt + name_len;
    if bytes.get(start).is_some_and(|&b| is_word_byte(b)) {
        return None;
    }
    let mut dead_ends = vec![false; bytes.len() + 1];
    attributes_then_source(bytes, start, true, &mut dead_ends)
}

/// Lazily consumes attribute text from `pos` (plain non-`>` bytes, or whole
/// quoted strings) until a `src=`/`data=` attribute matches, trying the
/// alternatives in the order a backtracking regex engine would.
fn attributes_then_source(
    bytes: &[u8],
    pos: usize,
    need_one: bool,
    dead_ends: &mut [bool],
) -> Option<((usize, usize), usize)> {
    let mut p = pos;
    loop {
        if !(need_one && p == pos)
            && let Some(m) = source_attribute_at(bytes, p)
        {
            return Some(m);
        }
        match bytes.get(p) {
            Some(&b) if b != b'>' => p += 1,
            _ => break,
        }
    }
    // Backtrack: consume a quoted string instead, deepest position first.
    for q in (pos..p).rev() {
        let quote = bytes[q];
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        // `"[^"]+?"`: at least one byte between the quotes.
        if bytes.get(q + 1).is_none_or(|&b| b == quote) {
            continue;
        }
        let Some(close) = find_byte(bytes, q + 1, quote) else {
            continue;
        };
        let next = close + 1;
        if dead_ends[next] {
            continue;
        }
        if let Some(m) = attributes_then_source(bytes, next, false, dead_ends) {
            return Some(m);
        }
        dead_ends[next] = true;
    }
    None
}

/// `\b(src|data)=` and a value, at `p`.
fn source_attribute_at(bytes: &[u8], p: usize) -> Option<((usize, usize), usize)> {
    if p > 0 && is_word_byte(bytes[p - 1]) {
        return None;
    }
    let rest = &bytes[p..];
    let key_len = if starts_with_ci(rest, b"src=") {
        4
    } else if starts_with_ci(rest, b"data=") {
        5
    } else {
        return None;
    };
    let v = p + key_len;
    match bytes.get(v) {
        Some(&q @ (b'"' | b'\'')) => {
            if let Some(close) = find_byte(bytes, v + 1, q)
                && close > v + 1
                && let Some(gt) = find_byte(bytes, close + 1, b'>')
            {
                return Some(((v + 1, close), gt + 1));
            }
            unquoted_value(bytes, v)
        }
        _ => unquoted_value(bytes, v),
    }
}

/// A bare value: bytes up to a space or `>`, then the tag's end.
fn unquoted_value(bytes: &[u8], v: usize) -> Option<((usize, usize), usize)> {
    let len = bytes
        .get(v..)?
        .iter()
        .position(|&b| b == b' ' || b == b'>')?;
    if len == 0 {
        return None;
    }
    let end = v + len;
    let tag_end = if bytes[end] == b'>' {
        end + 1
    } else {
        find_byte(bytes, end + 1, b'>')? + 1
    };
    Some(((v, end), tag_end))
}

/// Decodes HTML entities like Anki: all or nothing. Returns the input
/// unchanged when it has a `&` that does not start a valid reference
/// (`&name;` from HTML 4, `&#123;`, `&#x7B;`); otherwise the decoded text with
/// U+00A0 replaced by a space.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';') else {
            return text.to_owned();
        };
        let Some(ch) = decode_reference(&after[..semi]) else {
            return text.to_owned();
        };
        out.push(ch);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    out.replace('\u{a0}', " ")
}

/// The character for a reference body (between `&` and `;`).
fn decode_reference(body: &str) -> Option<char> {
    if let Some(num) = body.strip_prefix('#') {
        let (digits, radix) = match num.strip_prefix('x') {
            Some(hex) => (hex, 16),
            None => (num, 10),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        return u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32);
    }
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    entities::lookup(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (first field, sfld, csum) as stored by the official `anki` 26.09.3
    /// library after `col.add_note` (Basic note type).
    const ANKI_GOLDEN: &[(&str, &str, u32)] = &[
        (
            "Which service provides object storage?",
            "Which service provides object storage?",
            1_195_577_461,
        ),
        (
            "Which value is <b>not</b> a valid &quot;mode&quot;?",
            "Which value is not a valid \"mode\"?",
            2_894_060_839,
        ),
        (
            "a&amp;b &lt;c&gt; &nbsp;x&#39;y&#x41;",
            "a&b <c>  x'yA",
            1_687_279_228,
        ),
        ("<img src=\"foo.png\"> pic", " foo.png  pic", 2_385_716_721),
        ("line<br>two<div>three</div>", "linetwothree", 1_607_292_826),
        (
            "Überprüfung – 日本語 ✓",
            "Überprüfung – 日本語 ✓",
            909_159_275,
        ),
        (
            "<!-- c -->x<style>p{}</style>y<script>z</script>w",
            "xyw",
            942_741_301,
        ),
        ("  padded  ", "  padded  ", 1_208_601_947),
        ("&bogus; &amp", "&bogus; &amp", 2_677_544_705),
        ("[sound:a.mp3] snd", "[sound:a.mp3] snd", 902_879_294),
        ("a\nb", "a\nb", 4_241_565_695),
        ("&bogus; &amp;", "&bogus; &amp;", 361_998_413),
        ("&AMP;", "&AMP;", 209_356_666),
        ("&hellip;&mdash;&eacute;&euro;", "…—é€", 1_352_817_159),
        ("&#0;x", "\0x", 3_105_747_812),
        ("&#xZZ;", "&#xZZ;", 2_961_239_743),
        ("&#128512;", "😀", 2_622_699_144),
        ("<img src=foo.png>x", " foo.png x", 789_620_998),
        ("<IMG alt=1 SRC='a b.png'>", " a b.png ", 2_600_998_851),
        ("<a href=\"x>y\">t</a>", "y\">t", 522_811_452),
        ("a < b", "a < b", 3_350_909_118),
        ("<br/>q", "q", 585_768_036),
        ("&lt;b&gt;", "<b>", 3_574_796_752),
        ("&apos;&nbsp;", "&apos;&nbsp;", 1_172_241_117),
        (
            "&ndash;&rsquo;&ldquo;&copy;&times;&rarr;",
            "–’“©×→",
            656_592_160,
        ),
        (
            "x <img src=\"p.png\"> [sound:s.mp3]",
            "x  p.png  [sound:s.mp3]",
            2_143_336_876,
        ),
        ("a & b &amp; c", "a & b &amp; c", 3_625_474_752),
        ("&#65", "&#65", 2_770_442_930),
        ("&#X41;", "&#X41;", 621_652_861),
        ("&#1114112;", "&#1114112;", 2_555_065_435),
        ("&#xD800;", "&#xD800;", 750_384_503),
        ("&amp;&amp;amp;", "&&amp;", 2_654_767_497),
        ("&#0065;", "A", 1_842_171_106),
        ("x&nbsp;y", "x y", 1_943_979_411),
        ("&thetasym;&piv;&zwj;", "ϑϖ\u{200d}", 4_102_067_421),
        // Media tags keep their file names.
        ("<img alt=\"a>b\" src=\"x.png\">", " x.png ", 2_926_313_888),
        ("<audio data='s.mp3' controls>", " s.mp3 ", 1_291_140_021),
        ("<video src=v.mp4 autoplay>end", " v.mp4 end", 977_735_652),
        ("<imgs src=x.png>", "", 3_661_210_606),
        ("<img datasrc=x.png>", "", 3_661_210_606),
        ("<img src=>", "", 3_661_210_606),
        ("<img src=\"\">", " \"\" ", 354_910_604),
        ("<img src=a.png alt=\"x>y\">z", " a.png y\">z", 599_823_136),
        ("<source src=\"m.mp4\">", " m.mp4 ", 3_915_168_443),
        ("<object data=\"f.swf\"></object>", " f.swf ", 2_139_332_557),
        ("<img src='q'/>", " q ", 1_615_784_054),
        (
            "<img src=\"a.png\" title=\">\">t",
            " a.png \">t",
            1_672_082_770,
        ),
    ];

    #[test]
    fn sort_field_and_checksum_match_anki() {
        for (field, sfld, csum) in ANKI_GOLDEN {
            assert_eq!(
                strip_html_preserving_media_filenames(field),
                *sfld,
                "sfld of {field:?}"
            );
            assert_eq!(field_checksum(field), *csum, "csum of {field:?}");
        }
    }

    #[test]
    fn unterminated_constructs_are_kept_or_degrade_like_anki() {
        assert_eq!(strip_html_preserving_media_filenames("a <b"), "a <b");
        assert_eq!(strip_html_preserving_media_filenames("<!-- x"), "<!-- x");
        assert_eq!(strip_html_preserving_media_filenames("<style>x"), "x");
    }

    #[test]
    fn empty_fields() {
        for empty in [
            "",
            " ",
            "\n\t",
            "<br>",
            "<BR />",
            "<div></div>",
            "<div><br/></div> ",
        ] {
            assert!(field_is_empty(empty), "{empty:?} should be empty");
        }
        for full in [
            "x",
            "&nbsp;",
            "<b></b>",
            "<img src=a.png>",
            "<p></p>",
            "\u{a0}",
        ] {
            assert!(!field_is_empty(full), "{full:?} should not be empty");
        }
    }
}
