use crate::cli::ServeArgs;
use crate::settings::Settings;
use crate::startup::{Application, ServeMode, shutdown_signal};

pub async fn run(settings: &Settings, args: &ServeArgs) -> anyhow::Result<()> {
    if args.demo {
        crate::startup::check_demo_bind(&settings.bind, args.allow_remote_demo, "--allow-remote-demo")?;
    }
    if args.demo && settings.uses_development_secret() {
        tracing::warn!("demo mode: tokens are signed with the built-in development secret");
    }
    let app = Application::build(
        settings,
        ServeMode {
            workers: !args.no_workers,
            demo: args.demo,
        },
    )
    .await?;
    app.run_until_stopped(shutdown_signal()).await
}
