//! The systemd unit in deploy/ is valid: `systemd-analyze verify` on it, with ExecStart
//! pointed at the binary these tests built.

#[test]
fn the_systemd_unit_verifies() {
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/clippings.service"
    ))
    .unwrap();
    assert!(unit.contains("ExecStart=/usr/local/bin/clippings"));
    assert!(unit.contains("User=clippings") && unit.contains("Restart=on-failure"));
    assert!(unit.contains("StateDirectory=clippings"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clippings.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/clippings", env!("CARGO_BIN_EXE_clippings")),
    )
    .unwrap();
    let out = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze (Debian package systemd) is needed for this test");
    let messages = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{messages}");
    assert!(
        !messages.contains("clippings.service:"),
        "no warnings about the unit: {messages}"
    );
}
