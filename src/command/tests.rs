use super::*;

fn grammar() -> Grammar {
    Grammar::new("!", vec!["capex".into(), "Spending".into(), "chips".into()])
}

fn cmd(text: &str) -> Option<Command> {
    parse(text, &grammar()).map(|i| i.command)
}

fn unknown(name: &str, suggestion: Option<&str>) -> Option<Command> {
    Some(Command::Unknown {
        name: name.into(),
        suggestion: suggestion.map(Into::into),
    })
}

#[test]
fn every_command_parses_with_its_argument() {
    let cases = [
        ("!ask how much?", Command::Ask("how much?".into())),
        (
            "!search \"data centers\" -x",
            Command::Search("\"data centers\" -x".into()),
        ),
        ("!search", Command::Search(String::new())),
        ("!quote a:1", Command::Quote("a:1".into())),
        ("!more", Command::More),
        ("!sources", Command::Sources),
        ("!topics", Command::Topics),
        ("!help", Command::Help(None)),
        ("!help Search", Command::Help(Some("search".into()))),
        ("!about", Command::About),
        ("!compare AI budget", Command::Compare("AI budget".into())),
        ("!figures", Command::Figures(None)),
        ("!figures chips", Command::Figures(Some("chips".into()))),
    ];
    for (text, expected) in cases {
        assert_eq!(cmd(text), Some(expected), "{text:?}");
    }
}

#[test]
fn commands_without_arguments_ignore_extra_words() {
    assert_eq!(cmd("!more extra words"), Some(Command::More));
    assert_eq!(cmd("!sources please"), Some(Command::Sources));
    assert_eq!(cmd("!topics all"), Some(Command::Topics));
    assert_eq!(cmd("!about you"), Some(Command::About));
}

#[test]
fn help_takes_the_first_word_without_its_prefix() {
    assert_eq!(cmd("!help !ASK"), Some(Command::Help(Some("ask".into()))));
    assert_eq!(
        cmd("!help /search me"),
        Some(Command::Help(Some("search".into())))
    );
    assert_eq!(
        cmd("!help capex"),
        Some(Command::Help(Some("capex".into())))
    );
    assert_eq!(cmd("!help !"), Some(Command::Help(None)));
    let g = Grammar::new("clip!", vec![]);
    let help = parse("clip!help CLIP!more", &g).map(|i| i.command);
    assert_eq!(help, Some(Command::Help(Some("more".into()))));
}

#[test]
fn topics_are_commands_with_extra_words() {
    let topic = |name: &str, extra: &str| {
        Some(Command::Topic {
            name: name.into(),
            extra: extra.into(),
        })
    };
    assert_eq!(cmd("!capex"), topic("capex", ""));
    assert_eq!(cmd("!Spending  in 2025 "), topic("spending", "in 2025"));
    assert_eq!(cmd("!CHIPS Nvidia"), topic("chips", "Nvidia"));
}

#[test]
fn built_in_commands_win_over_topics_of_the_same_name() {
    let g = Grammar::new("!", vec!["search".into(), "next".into()]);
    assert_eq!(
        parse("!search x", &g).map(|i| i.command),
        Some(Command::Search("x".into()))
    );
    assert_eq!(parse("!next", &g).map(|i| i.command), Some(Command::More));
}

#[test]
fn aliases_and_any_case_name_the_same_command() {
    let cases = [
        ("!ASK x", Command::Ask("x".into())),
        ("!Search X", Command::Search("X".into())),
        ("!MoRe", Command::More),
        ("!s x", Command::Search("x".into())),
        ("!q x", Command::Ask("x".into())),
        ("!question x", Command::Ask("x".into())),
        ("!h", Command::Help(None)),
        ("!commands", Command::Help(None)),
        ("!next", Command::More),
        ("!src", Command::Sources),
        ("!articles", Command::Sources),
        ("!stats", Command::About),
        ("!version", Command::About),
        ("!numbers capex", Command::Figures(Some("capex".into()))),
        ("!vs stock", Command::Compare("stock".into())),
    ];
    for (text, expected) in cases {
        assert_eq!(cmd(text), Some(expected), "{text:?}");
    }
}

#[test]
fn messages_not_addressed_to_the_bot_are_ignored() {
    let texts = [
        "hello",
        "",
        "!",
        "! ask",
        "! hello",
        "!!!",
        "  ",
        "ask !x",
        "!?",
        "!\u{200B}",
        "x!ask",
        "\u{1}\u{2}",
    ];
    for text in texts {
        assert_eq!(cmd(text), None, "{text:?}");
    }
}

#[test]
fn leading_whitespace_before_the_prefix_is_fine() {
    assert_eq!(cmd(" \n\t !ask x"), Some(Command::Ask("x".into())));
}

#[test]
fn a_custom_prefix_is_honoured_in_any_case() {
    let g = Grammar::new("clip!", vec![]);
    let parsed = |text: &str| parse(text, &g).map(|i| i.command);
    assert_eq!(parsed("clip!ask x"), Some(Command::Ask("x".into())));
    assert_eq!(parsed("Clip!ask x"), Some(Command::Ask("x".into())));
    assert_eq!(parsed("!ask x"), None);
    assert_eq!(parsed("clip! ask"), None);
    let q = Grammar::new("?", vec![]);
    assert_eq!(parse("?more", &q).map(|i| i.command), Some(Command::More));
    assert_eq!(parse("??", &q), None);
}

#[test]
fn misspelled_command_suggests_the_closest() {
    let cases = [
        ("!serch x", "serch", "search"),
        ("!qoute a:1", "qoute", "quote"),
        ("!sources?", "sources?", "sources"),
        ("!searching x", "searching", "search"),
        ("!capx", "capx", "capex"),
        ("!CHISP", "chisp", "chips"),
    ];
    for (text, name, suggestion) in cases {
        assert_eq!(cmd(text), unknown(name, Some(suggestion)), "{text:?}");
    }
}

#[test]
fn the_start_of_a_name_suggests_the_whole_name() {
    assert_eq!(cmd("!sea x"), unknown("sea", Some("search")));
    assert_eq!(cmd("!spend"), unknown("spend", Some("spending")));
}

#[test]
fn unlike_names_get_no_suggestion() {
    for name in ["zzzzzz", "hello", "x", "lol", "important"] {
        assert_eq!(cmd(&format!("!{name} now")), unknown(name, None), "{name}");
    }
}

#[test]
fn invisible_characters_cannot_disguise_a_command() {
    assert_eq!(cmd("!as\u{200B}k x"), Some(Command::Ask("x".into())));
    assert_eq!(cmd("\u{FEFF}!\u{202E}more"), Some(Command::More));
    assert_eq!(cmd("!se\u{200D}arch x"), Some(Command::Search("x".into())));
    assert_eq!(
        cmd("!help\u{00AD} x"),
        Some(Command::Help(Some("x".into())))
    );
}

#[test]
fn sanitize_removes_control_characters() {
    assert_eq!(sanitize("x\u{0}y\u{7}z\u{7f}\u{9b}"), ("xyz".into(), false));
    assert_eq!(sanitize("\u{1}\u{2}\u{1b}"), (String::new(), false));
}

#[test]
fn sanitize_removes_zero_width_and_bidi_characters() {
    let text = "a\u{200B}b\u{200C}c\u{200E}d\u{202A}e\u{202E}f\u{2066}g\u{2069}h\u{FEFF}i\u{AD}j";
    assert_eq!(sanitize(text), ("abcdefghij".into(), false));
}

#[test]
fn sanitize_turns_newlines_and_tabs_into_single_spaces() {
    assert_eq!(sanitize("  a \n\t b\r\n\nc  "), ("a b c".into(), false));
    assert_eq!(sanitize("a \u{200B} b"), ("a b".into(), false));
    assert_eq!(sanitize("a\u{3000}\u{A0}b"), ("a b".into(), false));
}

#[test]
fn huge_input_is_cut_at_a_word_boundary() {
    let paste = "word ".repeat(20_000);
    assert!(paste.len() >= 100_000);
    let (text, truncated) = sanitize(&paste);
    assert!(truncated);
    assert_eq!(text.chars().count(), MAX_ARGUMENT_CHARS - 1);
    assert!(text.starts_with("word word") && text.ends_with("word"));
    let parsed = parse(&format!("!ask {paste}"), &grammar());
    let Some(Invocation {
        command: Command::Ask(question),
        truncated: true,
    }) = parsed
    else {
        panic!("not a truncated ask: {parsed:?}");
    };
    assert!(question.chars().count() <= MAX_ARGUMENT_CHARS);
    assert!(question.ends_with("word"));
}

#[test]
fn the_argument_alone_gets_the_full_length() {
    let words = "abcd ".repeat(MAX_ARGUMENT_CHARS / 5) + "x";
    assert_eq!(words.chars().count(), MAX_ARGUMENT_CHARS + 1);
    let words = &words[1..];
    let parsed = parse(&format!("!search {words}"), &grammar());
    assert_eq!(
        parsed,
        Some(Invocation {
            command: Command::Search(words.into()),
            truncated: false,
        })
    );
}

#[test]
fn a_single_endless_word_is_cut_inside() {
    let (text, truncated) = sanitize(&"a".repeat(100_000));
    assert!(truncated);
    assert_eq!(text.chars().count(), MAX_ARGUMENT_CHARS);
    let (text, truncated) = sanitize(&"é".repeat(1_001));
    assert!(truncated && text.chars().count() == MAX_ARGUMENT_CHARS);
}

#[test]
fn a_long_word_is_not_cut_inside_an_emoji() {
    let coder = "👩\u{200D}💻";
    let (text, truncated) = sanitize(&coder.repeat(MAX_ARGUMENT_CHARS));
    assert!(truncated);
    assert_eq!(text, coder.repeat(MAX_ARGUMENT_CHARS / 3));
    let (text, _) = sanitize(&format!("x{}", "\u{301}".repeat(5_000)));
    assert_eq!(text.chars().count(), MAX_ARGUMENT_CHARS);
}

#[test]
fn text_after_many_removed_characters_is_dropped_at_a_word_boundary() {
    let hidden = "\u{200B}".repeat(MAX_INPUT_BYTES / 3 - 1);
    let (text, truncated) = sanitize(&format!("one two{hidden} three four"));
    assert!(truncated);
    assert_eq!(text, "one");
}

#[test]
fn strange_input_never_panics_and_stays_bounded() {
    let inputs = [
        "!".repeat(100_000),
        format!("!ask {}", "\u{1F680}".repeat(50_000)),
        format!("!{}", "é".repeat(50_000)),
        "\u{0}\u{FFFF}\u{10FFFF}\u{D7FF}".repeat(10_000),
        format!("!ask {}", "\u{200B}\n".repeat(40_000)),
        format!("!ask x{}", "\u{301}".repeat(30_000)),
        String::from_utf8_lossy(&(0..=255u8).cycle().take(100_000).collect::<Vec<_>>()).into(),
    ];
    for input in inputs {
        let (text, _) = sanitize(&input);
        assert!(text.chars().count() <= MAX_ARGUMENT_CHARS);
        if let Some(Invocation {
            command: Command::Unknown { name, .. },
            ..
        }) = parse(&input, &grammar())
        {
            assert!(name.chars().count() <= MAX_NAME_CHARS);
        }
    }
}

#[test]
fn emoji_and_right_to_left_text_survive() {
    let text = "🚀 علي بابا 👩\u{200D}💻 🏳\u{FE0F}\u{200D}🌈 שלום";
    assert_eq!(
        cmd(&format!("!ask {text}")),
        Some(Command::Ask(text.into()))
    );
    assert_eq!(sanitize(text), (text.into(), false));
}

#[test]
fn help_entries_are_found_by_name_alias_and_prefix() {
    assert_eq!(help_for("!search").map(|h| h.name), Some("search"));
    assert_eq!(help_for("/ASK").map(|h| h.name), Some("ask"));
    assert_eq!(help_for("numbers").map(|h| h.name), Some("figures"));
    assert_eq!(help_for(" Next ").map(|h| h.name), Some("more"));
    assert!(help_for("capex").is_none());
    assert!(help_for("").is_none());
}

#[test]
fn every_command_has_help_that_parses_back_to_it() {
    for name in "search ask quote more sources topics help about compare figures".split(' ') {
        let help = help_for(name).map(|h| h.usage.split(' ').next());
        assert_eq!(help, Some(Some(name)), "{name}");
    }
    for help in COMMANDS {
        assert!(!help.summary.contains('\n'), "{}", help.name);
        assert!(
            help.details.contains(&format!("!{}", help.name)),
            "{}",
            help.name
        );
        let parsed = cmd(&format!("!{}", help.usage));
        assert!(
            !matches!(parsed, None | Some(Command::Unknown { .. })),
            "{}",
            help.name
        );
        for alias in help.aliases {
            assert_eq!(help_for(alias).map(|h| h.name), Some(help.name));
        }
    }
}

#[test]
fn coverage_commands_parse_with_their_arguments() {
    use crate::command::{FeedAction, LATEST_DEFAULT, LATEST_MAX};
    assert_eq!(cmd("!latest"), Some(Command::Latest(LATEST_DEFAULT)));
    assert_eq!(cmd("!latest 5"), Some(Command::Latest(5)));
    assert_eq!(cmd("!new 500"), Some(Command::Latest(LATEST_MAX)));
    assert_eq!(cmd("!latest zero"), Some(Command::Latest(LATEST_DEFAULT)));
    assert_eq!(cmd("!latest 0"), Some(Command::Latest(LATEST_DEFAULT)));
    assert_eq!(cmd("!feeds"), Some(Command::Feeds));
    assert_eq!(
        cmd("!feed add https://example.com/rss"),
        Some(Command::Feed(FeedAction::Add(
            "https://example.com/rss".into()
        )))
    );
    assert_eq!(
        cmd("!FEED Remove example.com"),
        Some(Command::Feed(FeedAction::Remove("example.com".into())))
    );
    assert_eq!(cmd("!feed add"), Some(Command::Feed(FeedAction::Usage)));
    assert_eq!(cmd("!feed"), Some(Command::Feed(FeedAction::Usage)));
    assert_eq!(
        cmd("!add https://example.com/a"),
        Some(Command::AddUrl("https://example.com/a".into()))
    );
}

#[test]
fn changing_feeds_and_adding_pages_are_for_admins_and_reading_them_is_not() {
    use crate::command::FeedAction;
    assert!(Command::Feed(FeedAction::Add("u".into())).is_admin_only());
    assert!(Command::Feed(FeedAction::Remove("n".into())).is_admin_only());
    assert!(Command::AddUrl("u".into()).is_admin_only());
    assert!(!Command::Feeds.is_admin_only());
    assert!(!Command::Latest(3).is_admin_only());
    assert!(!Command::Feed(FeedAction::Usage).is_admin_only());
}

#[test]
fn watch_commands_parse_and_only_changing_watches_needs_a_place_manager() {
    assert_eq!(cmd("!watch capex"), Some(Command::Watch("capex".into())));
    assert_eq!(
        cmd("!watch “Hang Seng” -Tencent"),
        Some(Command::Watch("“Hang Seng” -Tencent".into()))
    );
    assert_eq!(cmd("!watches"), Some(Command::Watches));
    assert_eq!(cmd("!unwatch 2"), Some(Command::Unwatch("2".into())));
    assert_eq!(cmd("!unwatch all"), Some(Command::Unwatch("all".into())));
    let long = format!("!watch {}", "word ".repeat(100));
    let Some(Command::Watch(text)) = cmd(&long) else {
        panic!("not a watch");
    };
    assert!(text.chars().count() <= crate::command::MAX_WATCH_CHARS);
    assert!(Command::Watch("x".into()).needs_place_manager());
    assert!(Command::Unwatch("1".into()).needs_place_manager());
    assert!(!Command::Watches.needs_place_manager());
    assert!(!Command::Watch("x".into()).is_admin_only());
}

#[test]
fn digest_reads_its_window_and_topic_in_either_order() {
    use crate::command::{DIGEST_DEFAULT, DIGEST_MAX_HOURS, Window};
    let digest = |window, topic: Option<&str>| {
        Some(Command::Digest {
            window,
            topic: topic.map(str::to_string),
        })
    };
    assert_eq!(cmd("!digest"), digest(DIGEST_DEFAULT, None));
    assert_eq!(cmd("!digest 7d"), digest(Window::Hours(168), None));
    assert_eq!(
        cmd("!digest capex 48h"),
        digest(Window::Hours(48), Some("capex"))
    );
    assert_eq!(cmd("!digest 2w"), digest(Window::Hours(336), None));
    let date = chrono::NaiveDate::from_ymd_opt(2025, 9, 24).unwrap();
    assert_eq!(
        cmd("!digest since 2025-09-24 chips"),
        digest(Window::Since(date), Some("chips"))
    );
    assert_eq!(
        cmd("!digest since yesterday"),
        digest(Window::Unreadable, None)
    );
    assert_eq!(
        cmd("!digest 99999d"),
        digest(Window::Hours(DIGEST_MAX_HOURS), None)
    );
    assert_eq!(cmd("!digest 0h"), digest(DIGEST_DEFAULT, Some("0h")));
}

#[test]
fn trend_takes_its_span_from_the_last_word() {
    use crate::command::{Span, TREND_DEFAULT, TREND_MAX_BARS};
    let trend = |what: &str, span| {
        Some(Command::Trend {
            what: what.into(),
            span,
        })
    };
    assert_eq!(cmd("!trend capex"), trend("capex", TREND_DEFAULT));
    assert_eq!(cmd("!trend capex 12w"), trend("capex", Span::Weeks(12)));
    assert_eq!(
        cmd("!trend \"data centers\" 7D"),
        trend("\"data centers\"", Span::Days(7))
    );
    assert_eq!(
        cmd("!trend chips 5000d"),
        trend("chips", Span::Days(TREND_MAX_BARS))
    );
    assert_eq!(cmd("!trend 12w"), trend("", Span::Weeks(12)));
    assert_eq!(cmd("!trend"), trend("", TREND_DEFAULT));
}
