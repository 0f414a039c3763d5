//! PostgreSQL and Redis servers of a test's own (own port, own data directory), for
//! outage tests that stop and start them: the shared servers on 5432/6379 are never touched.
//! Each is stopped when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A port nobody listens on right now.
fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn checked(what: &str, output: std::io::Result<Output>) -> std::io::Result<()> {
    let output = output?;
    if output.status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "{what} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )))
    }
}

/// The directory of Debian's PostgreSQL server binaries (the newest major version).
fn postgres_bin_dir() -> std::io::Result<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| std::io::Error::other("no PostgreSQL server binaries under /usr/lib/postgresql"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A PostgreSQL cluster in a temporary directory, trusting local connections.
pub struct OwnPostgres {
    bin: PathBuf,
    data: tempfile::TempDir,
    port: u16,
    /// PostgreSQL refuses to run as root: as root, its tools run as `postgres`.
    as_postgres: bool,
}

impl OwnPostgres {
    /// `initdb` and start; a few seconds.
    pub fn start() -> std::io::Result<Self> {
        let bin = postgres_bin_dir()?;
        let data = tempfile::Builder::new().prefix("obs-own-pg-").tempdir()?;
        let as_postgres = is_root();
        if as_postgres {
            checked(
                "chown",
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(data.path())
                    .output(),
            )?;
        }
        let server = Self {
            bin,
            data,
            port: free_port()?,
            as_postgres,
        };
        let cluster = server.cluster_dir();
        checked(
            "initdb",
            server
                .tool("initdb")
                .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "-D"])
                .arg(&cluster)
                .output(),
        )?;
        server.resume()?;
        Ok(server)
    }

    fn cluster_dir(&self) -> PathBuf {
        self.data.path().join("cluster")
    }

    fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn resume(&self) -> std::io::Result<()> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off",
            self.port,
            self.data.path().display()
        );
        checked(
            "pg_ctl start",
            self.tool("pg_ctl")
                .arg("-D")
                .arg(self.cluster_dir())
                .args(["-o", &options, "-w", "-t", "30", "-l"])
                .arg(self.data.path().join("server.log"))
                .arg("start")
                .output(),
        )
    }

    /// Stops the server (fast shutdown: connections are cut) and waits until it is gone.
    pub fn stop(&self) -> std::io::Result<()> {
        checked(
            "pg_ctl stop",
            self.tool("pg_ctl")
                .arg("-D")
                .arg(self.cluster_dir())
                .args(["-m", "fast", "-w", "-t", "30", "stop"])
                .output(),
        )
    }

    pub fn log_path(&self) -> PathBuf {
        self.data.path().join("server.log")
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.cluster_dir())
            .args(["-m", "immediate", "-w", "-t", "10", "stop"])
            .output();
    }
}

/// A Redis server on a port of its own, without persistence.
pub struct OwnRedis {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    pub fn start() -> std::io::Result<Self> {
        let mut server = Self {
            port: free_port()?,
            dir: tempfile::Builder::new().prefix("obs-own-redis-").tempdir()?,
            child: None,
        };
        server.resume()?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn resume(&mut self) -> std::io::Result<()> {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(self.dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        self.child = Some(child);
        wait_for_port(self.port, Duration::from_secs(10))
    }

    /// Kills the server (as a crash would) and waits for it to be gone.
    pub fn stop(&mut self) -> std::io::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

fn wait_for_port(port: u16, within: Duration) -> std::io::Result<()> {
    let deadline = Instant::now() + within;
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(std::io::Error::other(format!("nothing listens on port {port}")));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
