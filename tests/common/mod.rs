//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod discord_peer;
pub mod site;
pub mod synapse;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A loopback port free right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn seed_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A copy of the seed corpus in a temporary folder, with an empty index folder beside it.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&seed_data(), &dir.path().join("data"));
        Workspace { dir }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Runs the `clippings` binary on this workspace with `stdin` piped in.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        run_binary(&self.data(), &self.index(), args, stdin)
    }

    /// `clippings index --watch` on this workspace: the one process that writes its index,
    /// connected to no platform. Stopped when dropped.
    pub fn index_writer(&self) -> IndexWriter {
        let child = Command::new(env!("CARGO_BIN_EXE_clippings"))
            .arg("--data")
            .arg(self.data())
            .arg("--index")
            .arg(self.index())
            .args(["index", "--watch"])
            .env_remove("CLIPPINGS_INDEX_READ_ONLY")
            .env_remove("DISCORD_TOKEN")
            .env_remove("MATRIX_HOMESERVER")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        IndexWriter(child)
    }
}

/// An article on capital spending dated today (something for `!trend capex` to chart).
pub fn capex_today(ws: &Workspace) {
    let today = chrono::Utc::now().date_naive();
    std::fs::write(
        ws.data().join("articles").join("capex-today.md"),
        format!(
            "+++\ntitle = \"Cloud capex keeps climbing\"\npublisher = \"Reuters\"\ndate = {today}\n+++\n\
             Capital expenditure on data centres rose again this quarter, and the spending budget for AI infrastructure grew, the companies said.\n"
        ),
    )
    .unwrap();
}

/// Checks that `png` decodes as a chart the size the bot draws them.
pub fn assert_chart(png: &[u8]) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let reader = decoder.read_info().unwrap();
    assert_eq!((reader.info().width, reader.info().height), (800, 400));
}

/// A running `clippings index --watch`.
pub struct IndexWriter(std::process::Child);

impl Drop for IndexWriter {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run_binary(data: &Path, index: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_clippings"))
        .arg("--data")
        .arg(data)
        .arg("--index")
        .arg(index)
        .args(args)
        .env_remove("DISCORD_TOKEN")
        .env_remove("MATRIX_HOMESERVER")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The Discord side of a bot over `engine` with these cooldowns.
#[cfg(feature = "discord")]
pub fn discord(
    engine: std::sync::Arc<clippings::engine::Engine>,
    cooldowns: clippings::conversation::Cooldowns,
) -> clippings::discord::Discord {
    let pipeline = clippings::conversation::Pipeline::new(engine).with_cooldowns(cooldowns);
    clippings::discord::Discord::new(std::sync::Arc::new(pipeline))
}
