// The Settings view's groups, each with its own form and Save/Apply (the
// collector, its own group too, is CollectorPanel, rendered after these).
import { CaptureGroup } from './settings/CaptureGroup';
import { ProxyGroup } from './settings/ProxyGroup';
import { RunscopeGroup } from './settings/RunscopeGroup';

export function SettingsForm() {
  return (
    <>
      <RunscopeGroup />
      <CaptureGroup />
      <ProxyGroup />
    </>
  );
}
