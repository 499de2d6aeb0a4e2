//! The Markdown subset of content text, rendered to safe HTML.
//!
//! Content text may use `*emphasis*`, `**strong**`, `` `code` ``, bullet and
//! numbered lists, paragraphs, line breaks and fenced or indented code. It is
//! parsed with pulldown-cmark (CommonMark, no extensions) and rendered with a
//! whitelist:
//!
//! - **all raw HTML is escaped**, inline or block: `<script>` arrives as the
//!   text `&lt;script&gt;`, so no tag, attribute or event handler written by
//!   an author reaches a card;
//! - links and images are reduced to their text (no `href`, no `src`, so no
//!   `javascript:` URLs and no remote requests from a card);
//! - headings become paragraphs, code-block languages are dropped (no
//!   author-controlled attribute at all);
//! - Anki's own bracket syntax in text (`[sound:…]`, `[anki:tts…]`,
//!   `[latex]`, `[$]`, `[$$]`) is neutralised by writing its `[` as `&#91;`,
//!   so text cannot play or reference media files outside the package;
//! - control characters other than tab and newline are removed (U+001F is
//!   Anki's field separator).
//!
//! A text that is a single paragraph renders without the `<p>` wrapper, so
//! short texts (option text, names) stay inline.

use std::borrow::Cow;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Renders `markdown` to safe HTML (see the module documentation);
/// borrowed when the text is plain and needs no change.
///
/// ```
/// use examkit_export::markdown::render;
/// assert_eq!(render("Use **RAG**, not `fine-tuning`."), "Use <strong>RAG</strong>, not <code>fine-tuning</code>.");
/// assert_eq!(render("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
/// ```
#[must_use]
pub fn render(markdown: &str) -> Cow<'_, str> {
    let cleaned = strip_controls(markdown);
    let text = cleaned.trim();
    if !is_plain(text) {
        return Cow::Owned(render_markdown(text));
    }
    // Plain text is its own HTML: borrowed from the input when no control
    // character had to be removed (most option texts and rationales).
    match &cleaned {
        CowStr::Borrowed(borrowed) => Cow::Borrowed(borrowed.trim()),
        _ => Cow::Owned(text.to_owned()),
    }
}

/// True when `text` (trimmed, without control characters) renders to
/// itself: a single line with none of the characters that start Markdown
/// or HTML syntax, or need escaping, and no line-start construct. Most
/// option texts and rationales take this fast path.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return true;
    };
    if matches!(first, b'#' | b'-' | b'+' | b'=' | b'0'..=b'9') {
        return false;
    }
    !bytes.iter().any(|&b| {
        matches!(
            b,
            b'\n'
                | b'\r'
                | b'*'
                | b'_'
                | b'`'
                | b'<'
                | b'>'
                | b'&'
                | b'['
                | b']'
                | b'\\'
                | b'!'
                | b'~'
                | b'|'
                | b'\t'
        )
    })
}

/// The full renderer (the slow path of [`render`]).
fn render_markdown(text: &str) -> String {
    // Raw HTML becomes text and tags off the whitelist are dropped; then
    // adjacent texts are merged, so that Anki's bracket syntax is seen even
    // when the parser splits it: `[` is emitted on its own as a possible
    // link start, and the text of a dropped link or image joins the text
    // around it (`[[sound:x](y)` renders as `[sound:x`).
    let mut merged: Vec<Event<'_>> = Vec::new();
    for event in Parser::new_ext(text, Options::empty()) {
        let event = match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(tag) => match safe_tag(tag) {
                Some(tag) => Event::Start(tag),
                None => continue,
            },
            Event::End(tag) => match safe_tag_end(tag) {
                Some(tag) => Event::End(tag),
                None => continue,
            },
            other => other,
        };
        if let (Event::Text(next), Some(Event::Text(previous))) = (&event, merged.last_mut()) {
            *previous = CowStr::from(format!("{previous}{next}"));
            continue;
        }
        merged.push(event);
    }
    let mut events: Vec<Event<'_>> = Vec::with_capacity(merged.len());
    for event in merged {
        push_safe(event, &mut events);
    }
    let events = unwrap_single_paragraph(events);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    html::push_html(&mut out, events.into_iter());
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    out
}

/// Escapes plain text (not Markdown) for HTML: `&`, `<`, `>`, `"` and `'`,
/// with control characters removed and Anki's bracket syntax neutralised as
/// in [`render`].
///
/// ```
/// use examkit_export::markdown::escape_text;
/// assert_eq!(escape_text("S3 & <EBS>"), "S3 &amp; &lt;EBS&gt;");
/// ```
#[must_use]
pub fn escape_text(text: &str) -> String {
    let cleaned = strip_controls(text);
    if !cleaned
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | b'['))
    {
        return cleaned.to_string();
    }
    let mut out = String::with_capacity(cleaned.len() + 8);
    let mut rest = cleaned.as_ref();
    while let Some(c) = rest.chars().next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '[' if starts_anki_syntax(&rest[1..]) => out.push_str("&#91;"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Removes C0 control characters (except tab and newline), DEL and the C1
/// controls. Borrowed when there is nothing to remove.
fn strip_controls(text: &str) -> CowStr<'_> {
    let bytes = text.as_bytes();
    let Some(first) = first_control(bytes) else {
        return CowStr::Borrowed(text);
    };
    let mut kept = String::with_capacity(text.len());
    let (mut start, mut at) = (0, first);
    while at < bytes.len() {
        match control_len(bytes, at) {
            0 => at += 1,
            len => {
                // A control character is a whole character, so both ends of
                // the kept run are character boundaries.
                kept.push_str(&text[start..at]);
                at += len;
                start = at;
            }
        }
    }
    kept.push_str(&text[start..]);
    CowStr::Boxed(kept.into_boxed_str())
}

/// Where the first control character [`strip_controls`] removes starts.
fn first_control(bytes: &[u8]) -> Option<usize> {
    const CHUNK: usize = 32;
    let mut chunk_start = 0;
    for chunk in bytes.chunks(CHUNK) {
        // A branch-free test of the whole chunk (which the compiler
        // vectorises); the exact test runs only where it may hit, which is
        // rare: mostly the final newline of a block scalar.
        let may_hit = chunk.iter().fold(false, |hit, &b| {
            hit | (b < 0x20) | (b == 0x7f) | (b == 0xc2)
        });
        if may_hit {
            let chunk_end = chunk_start + chunk.len();
            if let Some(at) = (chunk_start..chunk_end).find(|&at| control_len(bytes, at) > 0) {
                return Some(at);
            }
        }
        chunk_start += chunk.len();
    }
    None
}

/// The length in bytes of the control character [`strip_controls`] removes
/// at byte `at` of UTF-8 text, or 0. C0 controls and DEL are single bytes;
/// the C1 controls U+0080..U+009F are encoded as 0xC2 0x80..=0x9F, and 0xC2
/// is always a lead byte.
fn control_len(bytes: &[u8], at: usize) -> usize {
    match bytes[at] {
        b'\n' | b'\t' => 0,
        0..=0x1f | 0x7f => 1,
        0xc2 if matches!(bytes.get(at + 1), Some(0x80..=0x9f)) => 2,
        _ => 0,
    }
}

/// True when `after_bracket` (the text after a `[`) starts one of Anki's
/// bracket tags: `sound:`, `anki:`, `latex]`, `$]`, `$$]` or a closing
/// `/latex]`, `/$]`, `/$$]` (ASCII case-insensitive).
fn starts_anki_syntax(after_bracket: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "sound:", "anki:", "latex]", "$]", "$$]", "/latex]", "/$]", "/$$]",
    ];
    PREFIXES.iter().any(|p| {
        after_bracket
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    })
}

/// Pushes `text` as `Text` events, writing the `[` of Anki bracket syntax as
/// the raw entity `&#91;` (everything else is escaped by the renderer).
fn push_text<'a>(text: CowStr<'a>, out: &mut Vec<Event<'a>>) {
    let bytes = text.as_bytes();
    let needs_split = bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'[' && starts_anki_syntax(&text[i + 1..]));
    if !needs_split {
        out.push(Event::Text(text));
        return;
    }
    let mut start = 0;
    for (i, _) in text.match_indices('[') {
        if starts_anki_syntax(&text[i + 1..]) {
            if i > start {
                out.push(Event::Text(CowStr::from(text[start..i].to_owned())));
            }
            out.push(Event::InlineHtml(CowStr::Borrowed("&#91;")));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(Event::Text(CowStr::from(text[start..].to_owned())));
    }
}

/// Maps one parser event to the whitelisted events that render it. Tags
/// are expected to be whitelisted already (see [`render_markdown`]); any
/// other is dropped here too.
fn push_safe<'a>(event: Event<'a>, out: &mut Vec<Event<'a>>) {
    match event {
        // Raw HTML is shown as text, never interpreted.
        Event::Html(raw) | Event::InlineHtml(raw) => push_text(raw, out),
        Event::Text(text) => push_text(text, out),
        Event::Code(code) => {
            out.push(Event::InlineHtml(CowStr::Borrowed("<code>")));
            push_text(code, out);
            out.push(Event::InlineHtml(CowStr::Borrowed("</code>")));
        }
        Event::Start(tag) => {
            if let Some(tag) = safe_tag(tag) {
                out.push(Event::Start(tag));
            }
        }
        Event::End(tag) => {
            if let Some(tag) = safe_tag_end(tag) {
                out.push(Event::End(tag));
            }
        }
        Event::SoftBreak => out.push(Event::SoftBreak),
        Event::HardBreak => out.push(Event::HardBreak),
        Event::Rule => out.push(Event::Rule),
        // Extensions are off; should one appear, keep its text only.
        Event::InlineMath(text) | Event::DisplayMath(text) | Event::FootnoteReference(text) => {
            push_text(text, out);
        }
        Event::TaskListMarker(_) => {}
    }
}

fn safe_tag(tag: Tag<'_>) -> Option<Tag<'_>> {
    match tag {
        Tag::Paragraph | Tag::HtmlBlock | Tag::Heading { .. } => Some(Tag::Paragraph),
        Tag::BlockQuote(_) => Some(Tag::BlockQuote(None)),
        Tag::CodeBlock(_) => Some(Tag::CodeBlock(CodeBlockKind::Indented)),
        Tag::List(start) => Some(Tag::List(start)),
        Tag::Item => Some(Tag::Item),
        Tag::Emphasis => Some(Tag::Emphasis),
        Tag::Strong => Some(Tag::Strong),
        // Links and images keep their text only; everything else (tables,
        // footnotes, … which the parser does not produce without options)
        // is dropped, keeping its content.
        _ => None,
    }
}

fn safe_tag_end(tag: TagEnd) -> Option<TagEnd> {
    match tag {
        TagEnd::Paragraph | TagEnd::HtmlBlock | TagEnd::Heading(_) => Some(TagEnd::Paragraph),
        TagEnd::BlockQuote(_) => Some(TagEnd::BlockQuote(None)),
        TagEnd::CodeBlock => Some(TagEnd::CodeBlock),
        TagEnd::List(ordered) => Some(TagEnd::List(ordered)),
        TagEnd::Item => Some(TagEnd::Item),
        TagEnd::Emphasis => Some(TagEnd::Emphasis),
        TagEnd::Strong => Some(TagEnd::Strong),
        _ => None,
    }
}

/// Drops the `<p>` around a document that is one paragraph.
fn unwrap_single_paragraph(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut depth = 0usize;
    let mut top_level_blocks = 0usize;
    let mut all_paragraphs = true;
    for event in &events {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    top_level_blocks += 1;
                    all_paragraphs &= matches!(tag, Tag::Paragraph);
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Rule if depth == 0 => {
                top_level_blocks += 1;
                all_paragraphs = false;
            }
            _ => {}
        }
    }
    if top_level_blocks == 1 && all_paragraphs && events.len() >= 2 {
        let last = events.len() - 1;
        events
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i != 0 && *i != last)
            .map(|(_, e)| e)
            .collect()
    } else {
        events
    }
}

#[cfg(test)]
mod tests {
    use super::{escape_text, is_plain, render, render_markdown, strip_controls};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 4000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Byte by byte, the same as dropping every `char::is_control`
        /// character but newline and tab.
        #[test]
        fn strip_controls_drops_control_characters(
            text in "[\u{0}-\u{a0}\u{c0}-\u{c3}\u{100}-\u{17f}\u{2028}\u{4e00}]{0,80}"
        ) {
            let expected: String = text
                .chars()
                .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
                .collect();
            prop_assert_eq!(&*strip_controls(&text), expected.as_str());
        }

        /// The fast path gives exactly what the full renderer gives.
        #[test]
        fn plain_text_renders_to_itself(text in "[ -~\u{a0}-\u{17f}\u{4e00}-\u{4e10}]{1,40}") {
            let trimmed = text.trim();
            if is_plain(trimmed) {
                prop_assert_eq!(render_markdown(trimmed), trimmed);
            }
        }
    }

    #[test]
    fn fast_path_agrees_on_typical_text() {
        for text in [
            "Amazon S3",
            "Choose the smallest model to get the lowest latency",
            "It is the umbrella field, covering everything from rules to networks.",
            "Use \"quotes\" and 'apostrophes' (and parentheses): fine; 100% sure?",
            "Ünïcödé — “typographic” ‘quotes’ … 日本語",
        ] {
            assert!(is_plain(text), "{text}");
            assert_eq!(render_markdown(text), text);
            assert_eq!(render(text), text);
        }
        for text in [
            "1. list", "- item", "a *b*", "a & b", "x\ny", "# h", "a_b_c",
        ] {
            assert!(!is_plain(text), "{text}");
        }
    }

    #[test]
    fn subset_renders() {
        assert_eq!(render("*a* and **b**"), "<em>a</em> and <strong>b</strong>");
        assert_eq!(render("`x < y`"), "<code>x &lt; y</code>");
        assert_eq!(
            render("Intro:\n\n- one\n- *two*"),
            "<p>Intro:</p>\n<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>"
        );
        assert_eq!(
            render("1. first\n2. second"),
            "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"
        );
        assert_eq!(render("one\n\ntwo"), "<p>one</p>\n<p>two</p>");
        assert_eq!(render("  \n "), "");
        assert_eq!(render("AT&T"), "AT&amp;T");
    }

    /// Hostile input: nothing an author writes may become a tag, an
    /// attribute, a URL or Anki media syntax.
    #[test]
    fn raw_html_and_urls_never_reach_the_output() {
        let hostile = [
            "<script>alert(1)</script>",
            "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
            "text <img src=x onerror=alert(1)> more",
            "<div onclick=\"steal()\">click</div>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[click](javascript:alert(1))",
            "[ref][r]\n\n[r]: javascript:alert(1)",
            "![img](https://evil.example/track.png)",
            "<https://evil.example>",
            "<iframe src=https://evil.example></iframe>",
            "<svg/onload=alert(1)>",
            "<!-- <script>x</script> -->",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&#60;script&#62;",
            "```html\n<script>alert(1)</script>\n```",
            "`<img src=x onerror=alert(1)>`",
            "# <script>x</script>",
            "> <style>body{display:none}</style>",
            "- <b onmouseover=alert(1)>x</b>",
            "3. third\n4. <i onclick=x>fourth</i>",
            "\\[sound:x.mp3]",
            "[sound:a.mp3](x)",
            "<style>.card{background:url(https://evil.example)}</style>",
            "<form action=https://evil.example><input name=p></form>",
            "\u{0}<scr\u{1f}ipt>",
        ];
        for input in hostile {
            let html = render(input);
            let lower = html.to_ascii_lowercase();
            for tag in [
                "<script", "<img", "<a ", "<a>", "<iframe", "<svg", "<div", "<style", "<b ",
                "<form", "<input", "<!--",
            ] {
                assert!(!lower.contains(tag), "{input:?} rendered {html:?}");
            }
            // Every `<` in the output opens a whitelisted tag without
            // attributes (`<ol start="N">` aside).
            for (i, _) in html.match_indices('<') {
                let rest = &lower[i + 1..];
                let closing = rest.starts_with('/');
                let name: String = rest
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                assert!(
                    [
                        "p",
                        "em",
                        "strong",
                        "code",
                        "pre",
                        "ul",
                        "ol",
                        "li",
                        "blockquote",
                        "br",
                        "hr"
                    ]
                    .contains(&name.as_str()),
                    "{input:?}: unexpected tag {name:?} in {html:?}"
                );
                let after = &rest[usize::from(closing) + name.len()..];
                let start_attr = after.starts_with(" start=\"")
                    && after[8..].chars().take_while(char::is_ascii_digit).count() > 0;
                assert!(
                    after.starts_with('>') || after.starts_with(" />") || start_attr,
                    "{input:?}: attribute on <{name}> in {html:?}"
                );
            }
            assert!(!html.contains('\u{1f}') && !html.contains('\u{0}'));
        }
        assert_eq!(render("[click](javascript:alert(1))"), "click");
        assert_eq!(
            render("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
    }

    #[test]
    fn anki_syntax_is_neutralised() {
        assert_eq!(render("[sound:x.mp3]"), "&#91;sound:x.mp3]");
        assert_eq!(
            render("`[sound:../../etc/passwd]`"),
            "<code>&#91;sound:../../etc/passwd]</code>"
        );
        assert_eq!(
            render("[latex]x[/latex] and [$$]y[/$$]"),
            "&#91;latex]x&#91;/latex] and &#91;$$]y&#91;/$$]"
        );
        assert_eq!(
            render("[anki:tts]hi[/anki:tts]"),
            "&#91;anki:tts]hi[/anki:tts]"
        );
        assert_eq!(render("[not anki]"), "[not anki]");
        assert_eq!(escape_text("[Sound:a]"), "&#91;Sound:a]");
    }

    /// A link or image around Anki syntax is dropped, keeping its text;
    /// the text must be checked for Anki syntax after the drop, as the `[`
    /// before the link and the link text only then become adjacent.
    /// (The minimal counterexample of the `markdown_props` property test.)
    #[test]
    fn anki_syntax_split_by_a_dropped_link_is_neutralised() {
        assert_eq!(render("[[sound:\\[l](javascript:x)"), "&#91;sound:[l");
        assert_eq!(render("[[sound:x.mp3](y)]"), "&#91;sound:x.mp3]");
        assert_eq!(render("[![sound:x.mp3](y.png)]"), "&#91;sound:x.mp3]");
        assert_eq!(
            render("x [[latex](y)]a[[/latex](z)]"),
            "x &#91;latex]a&#91;/latex]"
        );
    }

    #[test]
    fn escape_text_escapes_everything() {
        assert_eq!(
            escape_text("<b onclick='x'>\"&\u{7}"),
            "&lt;b onclick=&#39;x&#39;&gt;&quot;&amp;"
        );
        assert_eq!(escape_text("**not markdown**"), "**not markdown**");
    }
}
