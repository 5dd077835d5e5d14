//! The SDK's macros: `declare_plugin!` and the `hook*!` / `route!`
//! registration shorthands (usable only inside `init`).

/// Exports `featherfly_plugin_entry` with name, version, init and an
/// optional shutdown.
#[macro_export]
macro_rules! declare_plugin {
    (name: $name:expr, version: $version:expr, init: $init:expr $(, shutdown: $shutdown:expr)? $(,)?) => {
        /// The plugin entry point the host resolves.
        #[unsafe(no_mangle)]
        pub extern "C" fn featherfly_plugin_entry() -> $crate::featherfly::PluginEntry {
            const NAME: &str = $name;
            const VERSION: &str = $version;
            #[allow(unused_mut, unused_assignments)]
            let mut shutdown: Option<unsafe extern "C" fn()> = None;
            $( shutdown = Some($shutdown); )?
            $crate::featherfly::PluginEntry {
                descriptor: $crate::featherfly::PluginDescriptor {
                    api_version: $crate::featherfly::FEATHERFLY_PLUGIN_API_VERSION,
                    name_ptr: NAME.as_ptr(),
                    name_len: NAME.len(),
                    version_ptr: VERSION.as_ptr(),
                    version_len: VERSION.len(),
                },
                vtable: $crate::featherfly::PluginVTable { init: Some($init), shutdown },
            }
        }
    };
}

/// Registers a lifecycle event handler.
#[macro_export]
macro_rules! hook {
    ($host:expr, $event:expr, $handler:expr) => {
        // SAFETY: the registration macros are used inside `init` with its `host`.
        unsafe { $crate::featherfly::register_hook($host, $event as u32, $handler) }
    };
}

/// Registers a `config.mutate` handler.
#[macro_export]
macro_rules! hook_config {
    ($host:expr, $handler:expr) => {
        // SAFETY: the registration macros are used inside `init` with its `host`.
        unsafe { $crate::featherfly::register_config_hook($host, $handler) }
    };
}

/// Registers a `request.intercept` or `middleware.inject` handler.
#[macro_export]
macro_rules! hook_request {
    ($host:expr, $phase:expr, $pattern:expr, $handler:expr) => {
        // SAFETY: the registration macros are used inside `init` with its `host`.
        unsafe {
            $crate::featherfly::register_request_hook($host, $phase as u32, $pattern, $handler)
        }
    };
}

/// Registers a plugin route.
#[macro_export]
macro_rules! route {
    ($host:expr, $method:expr, $path:expr, $handler:expr) => {
        // SAFETY: the registration macros are used inside `init` with its `host`.
        unsafe { $crate::featherfly::register_route($host, $method, $path, $handler) }
    };
}

/// Registers a JSON mutation handler.
#[macro_export]
macro_rules! hook_json {
    ($host:expr, $target:expr, $pattern:expr, $handler:expr) => {
        // SAFETY: the registration macros are used inside `init` with its `host`.
        unsafe { $crate::featherfly::register_json_hook($host, $target as u32, $pattern, $handler) }
    };
}

/// Registers a CloudPanel command hook.
#[macro_export]
macro_rules! hook_cloudpanel {
    ($host:expr, $handler:expr) => {
        // SAFETY: the registration macros are used inside `init` with its `host`.
        unsafe { $crate::featherfly::register_cloudpanel_hook($host, $handler) }
    };
}
