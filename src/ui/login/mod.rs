//! The re-login dialog: a token (pasted), userpass (username + password) or approle (role_id +
//! secret_id), with the auth mount's path. Secrets are typed into [`SecretInput`]s (masked,
//! zeroized) and leave the dialog only as [`SecretText`]. Typing is not a keymap concern: text
//! keys go to the focused field; enter, tab, ctrl-t and esc come through the `[login]` keymap.

mod view;

use crossterm::event::KeyEvent;

pub use view::{cursor_position, render_login};

use crate::input::{InputOutcome, LineInput};
use crate::ui::widgets::secret_input::{SecretInput, SecretInputMode};
use crate::vault::login::{LoginMethod, LoginRequest};
use crate::vault::models::wrapping::SecretText;

/// One field of the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Mount,
    User,
    Secret,
}

/// What a submit asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginSubmit {
    /// Use this token as it is.
    Token(SecretText),
    /// Log in on the server first.
    Login(LoginRequest),
}

#[derive(Debug)]
pub struct LoginDialog {
    pub method: LoginMethod,
    pub mount: LineInput,
    /// The username or the role_id.
    pub user: LineInput,
    /// The token, password or secret_id.
    pub secret: SecretInput,
    focus: usize,
    /// Why the dialog opened ("the console's token has expired").
    pub reason: Option<String>,
    /// The last failure, plainly.
    pub error: Option<String>,
    /// A login is on its way.
    pub busy: bool,
}

impl LoginDialog {
    pub fn new(method: LoginMethod, reason: Option<String>) -> LoginDialog {
        let mut d = LoginDialog {
            method,
            mount: LineInput::with_text(method.default_mount()),
            user: LineInput::default(),
            secret: SecretInput::new(SecretInputMode::Masked),
            focus: 0,
            reason,
            error: None,
            busy: false,
        };
        d.focus = d.first_empty();
        d
    }

    /// The fields of the current method, top to bottom.
    pub fn fields(&self) -> &'static [Field] {
        match self.method {
            LoginMethod::Token => &[Field::Secret],
            LoginMethod::Userpass | LoginMethod::Approle => {
                &[Field::Mount, Field::User, Field::Secret]
            }
        }
    }

    pub fn focused(&self) -> Field {
        self.fields()
            .get(self.focus)
            .copied()
            .unwrap_or(Field::Secret)
    }

    /// The label of a field for the current method.
    pub fn label(&self, f: Field) -> &'static str {
        match (f, self.method) {
            (Field::Mount, _) => "mount",
            (Field::User, LoginMethod::Approle) => "role_id",
            (Field::User, _) => "username",
            (Field::Secret, LoginMethod::Token) => "token",
            (Field::Secret, LoginMethod::Userpass) => "password",
            (Field::Secret, LoginMethod::Approle) => "secret_id",
        }
    }

    /// The user field first when it is empty, else the secret.
    fn first_empty(&self) -> usize {
        let fields = self.fields();
        let want = if fields.contains(&Field::User) && self.user.text.is_empty() {
            Field::User
        } else {
            Field::Secret
        };
        fields.iter().position(|f| *f == want).unwrap_or(0)
    }

    pub fn focus_next(&mut self) {
        self.focus = (self.focus + 1) % self.fields().len();
    }

    pub fn focus_prev(&mut self) {
        let n = self.fields().len();
        self.focus = (self.focus + n - 1) % n;
    }

    /// Switch to the next method: its default mount; what was typed as a secret is wiped.
    pub fn next_method(&mut self) {
        self.method = self.method.next();
        self.mount.set(self.method.default_mount());
        self.user = LineInput::default();
        self.secret.clear();
        self.error = None;
        self.focus = self.first_empty();
    }

    /// A text key for the focused field.
    pub fn on_text_key(&mut self, key: KeyEvent) -> InputOutcome {
        match self.focused() {
            Field::Mount => self.mount.handle_key(key),
            Field::User => self.user.handle_key(key),
            Field::Secret => self.secret.on_key(key),
        }
    }

    /// Pasted text goes into the focused field (control characters dropped).
    pub fn paste(&mut self, text: &str) {
        match self.focused() {
            Field::Mount => self.mount.insert_str(text),
            Field::User => self.user.insert_str(text),
            Field::Secret => self.secret.paste(text),
        }
    }

    /// Check the fields and hand out what to do; the secret field is wiped either way.
    pub fn submit(&mut self) -> Result<LoginSubmit, String> {
        let mount = self.mount.text.trim().trim_matches('/').to_string();
        let user = self.user.text.trim().to_string();
        let missing = |what: &str| Err(format!("{what} is empty"));
        if self.secret.is_empty() {
            return missing(self.label(Field::Secret));
        }
        if self.method != LoginMethod::Token {
            if mount.is_empty() {
                return missing("mount");
            }
            if user.is_empty() {
                return missing(self.label(Field::User));
            }
        }
        let secret = SecretText::new(self.secret.take());
        Ok(match self.method {
            LoginMethod::Token => LoginSubmit::Token(secret),
            LoginMethod::Userpass => LoginSubmit::Login(LoginRequest::Userpass {
                mount,
                username: user,
                password: secret,
            }),
            LoginMethod::Approle => LoginSubmit::Login(LoginRequest::Approle {
                mount,
                role_id: user,
                secret_id: secret,
            }),
        })
    }

    /// Closing: the secret is wiped.
    pub fn close(&mut self) {
        self.secret.clear();
    }
}
