//! The 47 lifecycle events of API v8, with their ids.

/// A lifecycle event id (`EventContext::event`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum PluginEvent {
    /// `daemon.starting` (1).
    DaemonStarting = 1,
    /// `daemon.started` (2).
    DaemonStarted = 2,
    /// `daemon.stopping` (3).
    DaemonStopping = 3,
    /// `config.loaded` (4).
    ConfigLoaded = 4,
    /// `plugin.loaded` (5).
    PluginLoaded = 5,
    /// `request.received` (6).
    RequestReceived = 6,
    /// `request.completed` (7).
    RequestCompleted = 7,
    /// `request.not_found` (8).
    RequestNotFound = 8,
    /// `request.blocked` (9).
    RequestBlocked = 9,
    /// `probe.client_blocked` (10).
    ProbeClientBlocked = 10,
    /// `auth.failed` (11).
    AuthFailed = 11,
    /// `restart.scheduled` (12).
    RestartScheduled = 12,
    /// `plugins.reload_requested` (13).
    PluginReloadRequested = 13,
    /// `node.identity_generated` (14).
    NodeIdentityGenerated = 14,
    /// `plugins.config_mutated` (15).
    PluginConfigMutated = 15,
    /// `plugins.request_short_circuited` (16).
    PluginRequestShortCircuited = 16,
    /// `plugins.json_response_mutated` (17).
    PluginJsonResponseMutated = 17,
    /// `plugins.json_actions_mutated` (18).
    PluginJsonActionsMutated = 18,
    /// `plugins.route_invoked` (19).
    PluginRouteInvoked = 19,
    /// `plugins.route_failed` (20).
    PluginRouteFailed = 20,
    /// `cloudpanel.site.create_requested` (21).
    CloudPanelSiteCreateRequested = 21,
    /// `cloudpanel.site.created` (22).
    CloudPanelSiteCreated = 22,
    /// `cloudpanel.site.create_failed` (23).
    CloudPanelSiteCreateFailed = 23,
    /// `cloudpanel.site.delete_requested` (24).
    CloudPanelSiteDeleteRequested = 24,
    /// `cloudpanel.site.deleted` (25).
    CloudPanelSiteDeleted = 25,
    /// `cloudpanel.site.delete_failed` (26).
    CloudPanelSiteDeleteFailed = 26,
    /// `cloudpanel.database.create_requested` (27).
    CloudPanelDatabaseCreateRequested = 27,
    /// `cloudpanel.database.created` (28).
    CloudPanelDatabaseCreated = 28,
    /// `cloudpanel.database.create_failed` (29).
    CloudPanelDatabaseCreateFailed = 29,
    /// `cloudpanel.database.delete_requested` (30).
    CloudPanelDatabaseDeleteRequested = 30,
    /// `cloudpanel.database.deleted` (31).
    CloudPanelDatabaseDeleted = 31,
    /// `cloudpanel.database.delete_failed` (32).
    CloudPanelDatabaseDeleteFailed = 32,
    /// `cloudpanel.database.export_requested` (33).
    CloudPanelDatabaseExportRequested = 33,
    /// `cloudpanel.database.exported` (34).
    CloudPanelDatabaseExported = 34,
    /// `cloudpanel.database.export_failed` (35).
    CloudPanelDatabaseExportFailed = 35,
    /// `cloudpanel.user.password_reset_requested` (36).
    CloudPanelUserPasswordResetRequested = 36,
    /// `cloudpanel.user.password_reset` (37).
    CloudPanelUserPasswordReset = 37,
    /// `cloudpanel.user.password_reset_failed` (38).
    CloudPanelUserPasswordResetFailed = 38,
    /// `cloudpanel.user.mfa_disable_requested` (39).
    CloudPanelUserMfaDisableRequested = 39,
    /// `cloudpanel.user.mfa_disabled` (40).
    CloudPanelUserMfaDisabled = 40,
    /// `cloudpanel.user.mfa_disable_failed` (41).
    CloudPanelUserMfaDisableFailed = 41,
    /// `cloudpanel.certificate.install_requested` (42).
    CloudPanelCertificateInstallRequested = 42,
    /// `cloudpanel.certificate.installed` (43).
    CloudPanelCertificateInstalled = 43,
    /// `cloudpanel.certificate.install_failed` (44).
    CloudPanelCertificateInstallFailed = 44,
    /// `cloudpanel.vhost_templates.import_requested` (45).
    CloudPanelVhostTemplatesImportRequested = 45,
    /// `cloudpanel.vhost_templates.imported` (46).
    CloudPanelVhostTemplatesImported = 46,
    /// `cloudpanel.vhost_templates.import_failed` (47).
    CloudPanelVhostTemplatesImportFailed = 47,
}

impl PluginEvent {
    /// Every event, by id.
    pub const ALL: [PluginEvent; 47] = [
        PluginEvent::DaemonStarting,
        PluginEvent::DaemonStarted,
        PluginEvent::DaemonStopping,
        PluginEvent::ConfigLoaded,
        PluginEvent::PluginLoaded,
        PluginEvent::RequestReceived,
        PluginEvent::RequestCompleted,
        PluginEvent::RequestNotFound,
        PluginEvent::RequestBlocked,
        PluginEvent::ProbeClientBlocked,
        PluginEvent::AuthFailed,
        PluginEvent::RestartScheduled,
        PluginEvent::PluginReloadRequested,
        PluginEvent::NodeIdentityGenerated,
        PluginEvent::PluginConfigMutated,
        PluginEvent::PluginRequestShortCircuited,
        PluginEvent::PluginJsonResponseMutated,
        PluginEvent::PluginJsonActionsMutated,
        PluginEvent::PluginRouteInvoked,
        PluginEvent::PluginRouteFailed,
        PluginEvent::CloudPanelSiteCreateRequested,
        PluginEvent::CloudPanelSiteCreated,
        PluginEvent::CloudPanelSiteCreateFailed,
        PluginEvent::CloudPanelSiteDeleteRequested,
        PluginEvent::CloudPanelSiteDeleted,
        PluginEvent::CloudPanelSiteDeleteFailed,
        PluginEvent::CloudPanelDatabaseCreateRequested,
        PluginEvent::CloudPanelDatabaseCreated,
        PluginEvent::CloudPanelDatabaseCreateFailed,
        PluginEvent::CloudPanelDatabaseDeleteRequested,
        PluginEvent::CloudPanelDatabaseDeleted,
        PluginEvent::CloudPanelDatabaseDeleteFailed,
        PluginEvent::CloudPanelDatabaseExportRequested,
        PluginEvent::CloudPanelDatabaseExported,
        PluginEvent::CloudPanelDatabaseExportFailed,
        PluginEvent::CloudPanelUserPasswordResetRequested,
        PluginEvent::CloudPanelUserPasswordReset,
        PluginEvent::CloudPanelUserPasswordResetFailed,
        PluginEvent::CloudPanelUserMfaDisableRequested,
        PluginEvent::CloudPanelUserMfaDisabled,
        PluginEvent::CloudPanelUserMfaDisableFailed,
        PluginEvent::CloudPanelCertificateInstallRequested,
        PluginEvent::CloudPanelCertificateInstalled,
        PluginEvent::CloudPanelCertificateInstallFailed,
        PluginEvent::CloudPanelVhostTemplatesImportRequested,
        PluginEvent::CloudPanelVhostTemplatesImported,
        PluginEvent::CloudPanelVhostTemplatesImportFailed,
    ];

    /// The event with id `id`, if there is one.
    pub fn from_id(id: u32) -> Option<Self> {
        let index = usize::try_from(id).ok()?.checked_sub(1)?;
        Self::ALL.get(index).copied()
    }

    /// The dotted event name.
    pub const fn name(self) -> &'static str {
        match self {
            PluginEvent::DaemonStarting => "daemon.starting",
            PluginEvent::DaemonStarted => "daemon.started",
            PluginEvent::DaemonStopping => "daemon.stopping",
            PluginEvent::ConfigLoaded => "config.loaded",
            PluginEvent::PluginLoaded => "plugin.loaded",
            PluginEvent::RequestReceived => "request.received",
            PluginEvent::RequestCompleted => "request.completed",
            PluginEvent::RequestNotFound => "request.not_found",
            PluginEvent::RequestBlocked => "request.blocked",
            PluginEvent::ProbeClientBlocked => "probe.client_blocked",
            PluginEvent::AuthFailed => "auth.failed",
            PluginEvent::RestartScheduled => "restart.scheduled",
            PluginEvent::PluginReloadRequested => "plugins.reload_requested",
            PluginEvent::NodeIdentityGenerated => "node.identity_generated",
            PluginEvent::PluginConfigMutated => "plugins.config_mutated",
            PluginEvent::PluginRequestShortCircuited => "plugins.request_short_circuited",
            PluginEvent::PluginJsonResponseMutated => "plugins.json_response_mutated",
            PluginEvent::PluginJsonActionsMutated => "plugins.json_actions_mutated",
            PluginEvent::PluginRouteInvoked => "plugins.route_invoked",
            PluginEvent::PluginRouteFailed => "plugins.route_failed",
            PluginEvent::CloudPanelSiteCreateRequested => "cloudpanel.site.create_requested",
            PluginEvent::CloudPanelSiteCreated => "cloudpanel.site.created",
            PluginEvent::CloudPanelSiteCreateFailed => "cloudpanel.site.create_failed",
            PluginEvent::CloudPanelSiteDeleteRequested => "cloudpanel.site.delete_requested",
            PluginEvent::CloudPanelSiteDeleted => "cloudpanel.site.deleted",
            PluginEvent::CloudPanelSiteDeleteFailed => "cloudpanel.site.delete_failed",
            PluginEvent::CloudPanelDatabaseCreateRequested => {
                "cloudpanel.database.create_requested"
            }
            PluginEvent::CloudPanelDatabaseCreated => "cloudpanel.database.created",
            PluginEvent::CloudPanelDatabaseCreateFailed => "cloudpanel.database.create_failed",
            PluginEvent::CloudPanelDatabaseDeleteRequested => {
                "cloudpanel.database.delete_requested"
            }
            PluginEvent::CloudPanelDatabaseDeleted => "cloudpanel.database.deleted",
            PluginEvent::CloudPanelDatabaseDeleteFailed => "cloudpanel.database.delete_failed",
            PluginEvent::CloudPanelDatabaseExportRequested => {
                "cloudpanel.database.export_requested"
            }
            PluginEvent::CloudPanelDatabaseExported => "cloudpanel.database.exported",
            PluginEvent::CloudPanelDatabaseExportFailed => "cloudpanel.database.export_failed",
            PluginEvent::CloudPanelUserPasswordResetRequested => {
                "cloudpanel.user.password_reset_requested"
            }
            PluginEvent::CloudPanelUserPasswordReset => "cloudpanel.user.password_reset",
            PluginEvent::CloudPanelUserPasswordResetFailed => {
                "cloudpanel.user.password_reset_failed"
            }
            PluginEvent::CloudPanelUserMfaDisableRequested => {
                "cloudpanel.user.mfa_disable_requested"
            }
            PluginEvent::CloudPanelUserMfaDisabled => "cloudpanel.user.mfa_disabled",
            PluginEvent::CloudPanelUserMfaDisableFailed => "cloudpanel.user.mfa_disable_failed",
            PluginEvent::CloudPanelCertificateInstallRequested => {
                "cloudpanel.certificate.install_requested"
            }
            PluginEvent::CloudPanelCertificateInstalled => "cloudpanel.certificate.installed",
            PluginEvent::CloudPanelCertificateInstallFailed => {
                "cloudpanel.certificate.install_failed"
            }
            PluginEvent::CloudPanelVhostTemplatesImportRequested => {
                "cloudpanel.vhost_templates.import_requested"
            }
            PluginEvent::CloudPanelVhostTemplatesImported => "cloudpanel.vhost_templates.imported",
            PluginEvent::CloudPanelVhostTemplatesImportFailed => {
                "cloudpanel.vhost_templates.import_failed"
            }
        }
    }
}
