//! A real Synapse homeserver on 127.0.0.1 for the Matrix tests: installed from PyPI into a
//! cached virtualenv (`scripts/synapse-venv`), configured with `--generate-config` for server
//! name `localhost` and sqlite, plus an overrides file (loopback listener, no federation,
//! rate limits raised or strict), users registered with `register_new_matrix_user` and the
//! shared secret. Stopped and restarted on the same port and data to test reconnection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Rate limits for a test homeserver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limits {
    /// Raised so tests never hit them.
    Raised,
    /// Tight message limits, to make the bot meet M_LIMIT_EXCEEDED.
    Strict,
}

pub struct Synapse {
    dir: tempfile::TempDir,
    venv: PathBuf,
    pub port: u16,
    pub url: String,
    child: Option<Child>,
}

/// The cached virtualenv holding Synapse, installed on first use.
fn venv() -> PathBuf {
    if let Ok(v) = std::env::var("CLIPPINGS_SYNAPSE_VENV")
        && Path::new(&v).join("bin/python").exists()
    {
        return v.into();
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/synapse-venv");
    let out = Command::new(script)
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/synapse-venv");
    assert!(out.status.success(), "installing Synapse failed");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn overrides(port: u16, dir: &Path, limits: Limits) -> String {
    let (per_second, burst) = match limits {
        Limits::Raised => (1000.0, 1000),
        Limits::Strict => (0.5, 2),
    };
    format!(
        r#"
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
trusted_key_servers: []
suppress_key_server_warning: true
report_stats: false
enable_metrics: false
presence:
  enabled: false
log_config: "{log}"
pid_file: "{dir}/homeserver.pid"
rc_message:
  per_second: {per_second}
  burst_count: {burst}
rc_registration: {{per_second: 1000, burst_count: 1000}}
rc_login:
  address: {{per_second: 1000, burst_count: 1000}}
  account: {{per_second: 1000, burst_count: 1000}}
  failed_attempts: {{per_second: 1000, burst_count: 1000}}
rc_joins:
  local: {{per_second: 1000, burst_count: 1000}}
  remote: {{per_second: 1000, burst_count: 1000}}
rc_joins_per_room: {{per_second: 1000, burst_count: 1000}}
rc_invites:
  per_room: {{per_second: 1000, burst_count: 1000}}
  per_user: {{per_second: 1000, burst_count: 1000}}
  per_issuer: {{per_second: 1000, burst_count: 1000}}
rc_key_requests: {{per_second: 1000, burst_count: 1000}}
rc_room_creation: {{per_second: 1000, burst_count: 1000}}
"#,
        log = dir.join("log.yaml").display(),
        dir = dir.display(),
    )
}

const LOG_CONFIG: &str = r#"
version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(levelname)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: LOGFILE
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"#;

impl Synapse {
    pub fn start(limits: Limits) -> Synapse {
        let venv = venv();
        let dir = tempfile::tempdir().unwrap();
        let port = super::free_port();
        let config = dir.path().join("homeserver.yaml");
        let status = Command::new(venv.join("bin/python"))
            .args(["-m", "synapse.app.homeserver", "--server-name", "localhost"])
            .arg("--config-path")
            .arg(&config)
            .args(["--generate-config", "--report-stats=no"])
            .arg("--data-directory")
            .arg(dir.path().join("data"))
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "generating the Synapse config failed");
        std::fs::write(
            dir.path().join("log.yaml"),
            LOG_CONFIG.replace(
                "LOGFILE",
                &dir.path().join("homeserver.log").display().to_string(),
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("overrides.yaml"),
            overrides(port, dir.path(), limits),
        )
        .unwrap();
        let mut synapse = Synapse {
            dir,
            venv,
            port,
            url: format!("http://127.0.0.1:{port}"),
            child: None,
        };
        synapse.run();
        synapse
    }

    /// Starts the server (again) and waits until it answers.
    pub fn run(&mut self) {
        assert!(self.child.is_none(), "already running");
        let dir = self.dir.path();
        let child = Command::new(self.venv.join("bin/python"))
            .args(["-m", "synapse.app.homeserver"])
            .arg("--config-path")
            .arg(dir.join("homeserver.yaml"))
            .arg("--config-path")
            .arg(dir.join("overrides.yaml"))
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if self.healthy() {
                return;
            }
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("Synapse exited ({status}): {}", self.logs());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("Synapse did not start in time: {}", self.logs());
    }

    /// Stops the server (SIGTERM, then SIGKILL) and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if child.try_wait().ok().flatten().is_some() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn healthy(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let request = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        response.starts_with("HTTP/1.1 200")
    }

    /// Registers a user with the shared secret.
    pub fn register(&self, user: &str, password: &str) {
        self.register_as(user, password, false);
    }

    /// Registers a user, a server admin when `admin`.
    pub fn register_as(&self, user: &str, password: &str, admin: bool) {
        let out = Command::new(self.venv.join("bin/register_new_matrix_user"))
            .arg("-c")
            .arg(self.dir.path().join("homeserver.yaml"))
            .args(["-u", user, "-p", password])
            .arg(if admin { "--admin" } else { "--no-admin" })
            .arg(&self.url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "registering {user} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn logs(&self) -> String {
        let read =
            |name: &str| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        let mut logs = format!("{}{}", read("stderr.log"), read("homeserver.log"));
        let mut start = logs.len().saturating_sub(8000);
        while !logs.is_char_boundary(start) {
            start += 1;
        }
        logs.replace_range(..start, "");
        logs
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
