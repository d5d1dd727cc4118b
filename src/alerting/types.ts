/**
 * The shapes of the `alerting:` config section as the alerting runtime reads them. Declared here
 * because src/alerting may not import src/config (layering); the server passes the parsed
 * section, and the compiler checks the two stay assignable (src/server/components/alerting.ts).
 */
export interface MatchConfig {
  readonly severity?: string | readonly string[] | undefined;
  readonly rule?: string | readonly string[] | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly service?: string | readonly string[] | undefined;
  readonly environment?: string | readonly string[] | undefined;
  readonly entity_type?: string | readonly string[] | undefined;
  readonly entity_value?: string | readonly string[] | undefined;
  readonly kind?: string | readonly string[] | undefined;
}

export interface RouteConfig {
  readonly match: MatchConfig;
  readonly receivers?: readonly string[] | undefined;
  readonly continue: boolean;
  readonly group_by?: readonly string[] | undefined;
  readonly group_wait_secs?: number | undefined;
  readonly group_interval_secs?: number | undefined;
  readonly repeat_interval_secs?: number | undefined;
  readonly mute_windows: readonly {
    readonly weekdays?: readonly string[] | undefined;
    readonly times?: readonly string[] | undefined;
    readonly time_zone: string;
  }[];
  readonly escalate: readonly {
    readonly after_secs: number;
    readonly receivers: readonly string[];
  }[];
  readonly digest: boolean;
  readonly decision?:
    | {
        readonly type: 'ban_ip' | 'lock_user' | 'auto';
        readonly duration_secs: number;
        readonly increment: {
          readonly factor: number;
          readonly max_secs: number;
          readonly lookback_secs: number;
        };
        readonly receivers: readonly string[];
      }
    | undefined;
  readonly routes: readonly RouteConfig[];
}

interface ReceiverBase {
  readonly name: string;
  readonly timeout_secs: number;
}
export interface WebhookReceiverConfig extends ReceiverBase {
  readonly type: 'webhook';
  readonly url: string;
  readonly secret?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}
export interface SlackReceiverConfig extends ReceiverBase {
  readonly type: 'slack';
  readonly url: string;
}
export interface TeamsReceiverConfig extends ReceiverBase {
  readonly type: 'teams';
  readonly url: string;
}
export interface EmailReceiverConfig extends ReceiverBase {
  readonly type: 'email';
  readonly host: string;
  readonly port: number;
  readonly tls: 'starttls' | 'tls' | 'none';
  readonly reject_unauthorized: boolean;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject_prefix: string;
}
export interface SyslogReceiverConfig extends ReceiverBase {
  readonly type: 'syslog';
  readonly protocol: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
  readonly facility: number;
  readonly app_name: string;
}
export interface PagerDutyReceiverConfig extends ReceiverBase {
  readonly type: 'pagerduty';
  readonly routing_key: string;
  readonly url: string;
}
export interface ExecReceiverConfig extends ReceiverBase {
  readonly type: 'exec';
  readonly command: readonly string[];
}
export interface LogReceiverConfig extends ReceiverBase {
  readonly type: 'log';
}

export type ReceiverConfig =
  | WebhookReceiverConfig
  | SlackReceiverConfig
  | TeamsReceiverConfig
  | EmailReceiverConfig
  | SyslogReceiverConfig
  | PagerDutyReceiverConfig
  | ExecReceiverConfig
  | LogReceiverConfig;
export type ReceiverType = ReceiverConfig['type'];

export interface AlertingConfig {
  readonly enabled: boolean;
  readonly dashboard_url: string;
  readonly receivers: readonly ReceiverConfig[];
  readonly route: RouteConfig;
  readonly defaults: {
    readonly receivers: readonly string[];
    readonly group_by: readonly string[];
    readonly group_wait_secs: number;
    readonly group_interval_secs: number;
    readonly repeat_interval_secs: number;
  };
  readonly digest: {
    readonly max_severity: 'informational' | 'low' | 'medium';
    readonly interval_secs: number;
  };
  readonly flap: { readonly window_secs: number; readonly max_refires: number };
  readonly delivery: {
    readonly base_backoff_secs: number;
    readonly max_backoff_secs: number;
    readonly failing_after_attempts: number;
    readonly max_age_secs: number;
  };
  readonly health: {
    readonly enabled: boolean;
    readonly interval_secs: number;
    readonly min_free_disk_pct: number;
    readonly max_ingest_errors: number;
    readonly max_forwarder_lag_secs: number;
  };
}
