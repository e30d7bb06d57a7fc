//! The process logger: env_logger, with the errors that actix logs for a client's malformed
//! request (a bad header, a broken request line) lowered to warnings, since they are the client's
//! fault and no operator can fix them.

use log::{Level, Log, Metadata, Record};

/// Passes every record to `inner`, a client's malformed request as a warning.
pub struct ClientFaultsAsWarnings<L>(pub L);

/// actix's record of a request it could not parse (`stream error: request parse error: invalid
/// Header provided`).
fn is_client_fault(record: &Record) -> bool {
    record.level() == Level::Error
        && record.target().starts_with("actix_http::")
        && record.args().to_string().starts_with("stream error: request parse error")
}

impl<L: Log> Log for ClientFaultsAsWarnings<L> {
    fn enabled(&self, metadata: &Metadata) -> bool {
        self.0.enabled(metadata)
    }

    fn log(&self, record: &Record) {
        if !is_client_fault(record) {
            return self.0.log(record);
        }
        self.0.log(
            &Record::builder()
                .args(*record.args())
                .level(Level::Warn)
                .target(record.target())
                .module_path(record.module_path())
                .file(record.file())
                .line(record.line())
                .build(),
        );
    }

    fn flush(&self) {
        self.0.flush();
    }
}

/// Installs the logger, `info` unless `RUST_LOG` says otherwise.
pub fn init() {
    let logger = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).build();
    let max_level = logger.filter();
    if log::set_boxed_logger(Box::new(ClientFaultsAsWarnings(logger))).is_ok() {
        log::set_max_level(max_level);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Capture(Mutex<Vec<(Level, String)>>);

    impl Log for Capture {
        fn enabled(&self, _: &Metadata) -> bool {
            true
        }

        fn log(&self, record: &Record) {
            self.0.lock().unwrap().push((record.level(), record.args().to_string()));
        }

        fn flush(&self) {}
    }

    fn log_at(logger: &impl Log, level: Level, target: &str, message: &str) {
        logger.log(&Record::builder().args(format_args!("{message}")).level(level).target(target).build());
    }

    #[test]
    fn a_malformed_request_is_a_warning_and_other_errors_stay_errors() {
        let logger = ClientFaultsAsWarnings(Capture::default());
        let parse = "stream error: request parse error: invalid Header provided";
        log_at(&logger, Level::Error, "actix_http::h1::dispatcher", parse);
        log_at(&logger, Level::Error, "actix_http::h1::dispatcher", "write zero; closing");
        log_at(&logger, Level::Error, "cus_api::error", "internal error: x");
        let levels: Vec<Level> = logger.0 .0.lock().unwrap().iter().map(|(level, _)| *level).collect();
        assert_eq!(levels, [Level::Warn, Level::Error, Level::Error]);
    }
}
