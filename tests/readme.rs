//! The README stays in step with the code: it opens with the two set-up commands, and its key
//! table names every action of the keymap and every `:` command.
// Test crate: helpers outside #[test] fns fail the test with a message via expect.
#![allow(clippy::expect_used)]

use strongroom::action::Action;
use strongroom::app::COMMANDS;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

#[test]
fn opens_with_the_two_set_up_commands() {
    let r = readme();
    let blocks: Vec<&str> = r
        .split("```sh\n")
        .skip(1)
        .take(2)
        .map(|b| b.split("```").next().unwrap_or(""))
        .collect();
    assert_eq!(blocks.len(), 2);
    assert!(blocks[0].contains("sandbox"), "{}", blocks[0]);
    assert!(blocks[1].contains("scripts/test"), "{}", blocks[1]);
    let ci =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).expect(".ci/run");
    assert!(
        ci.contains(blocks[1].trim()),
        ".ci/run calls the README's test command"
    );
}

#[test]
fn lists_every_action_and_command() {
    let r = readme();
    let (keymap, _) = strongroom::keymap::Keymap::load(None);
    for ctx in strongroom::keymap::KeyContext::ALL {
        for (_, a) in keymap.bindings(ctx) {
            assert!(
                r.contains(&format!("`{}`", a.name())),
                "README misses action {}",
                a.name()
            );
        }
    }
    for a in Action::ALL {
        assert!(
            r.contains(a.description()),
            "README misses the description of {}",
            a.name()
        );
    }
    for (c, _) in COMMANDS {
        assert!(r.contains(&format!("`:{c}`")), "README misses :{c}");
    }
}
