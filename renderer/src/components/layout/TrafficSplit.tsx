// The list and the detail, side by side or stacked (the user's choice, in
// stores/uiPrefs.ts), with a handle between them that drags or takes the
// arrow keys. Sizes are remembered per arrangement, by react-resizable-panels.
import type { ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { useUiPrefs } from '../../stores/uiPrefs';

const storage = typeof localStorage === 'undefined' ? undefined : localStorage;

export function TrafficSplit({ list, detail }: { list: ReactNode; detail: ReactNode | null }) {
  const split = useUiPrefs((s) => s.split);
  const panelIds = detail ? ['list', 'detail'] : ['list'];
  const layout = useDefaultLayout({ id: `proxyscope.split.${split}`, panelIds, storage });
  return (
    <Group
      key={split}
      className={`split split-${split}`}
      orientation={split === 'side' ? 'horizontal' : 'vertical'}
      defaultLayout={layout.defaultLayout}
      onLayoutChanged={layout.onLayoutChanged}
    >
      <Panel id="list" className="split-list" minSize={120} defaultSize={detail ? '50%' : '100%'}>
        {list}
      </Panel>
      {detail && (
        <>
          <Separator className="split-handle" aria-label={split === 'side' ? 'Resize the list and the detail (left and right arrows)' : 'Resize the list and the detail (up and down arrows)'} />
          <Panel id="detail" className="split-detail" minSize={160}>
            {detail}
          </Panel>
        </>
      )}
    </Group>
  );
}

export function SplitToggle() {
  const split = useUiPrefs((s) => s.split);
  const other = split === 'side' ? 'stacked' : 'side';
  return (
    <button type="button" aria-pressed={split === 'side'} title={`Show the detail ${other === 'side' ? 'beside' : 'below'} the list`} onClick={() => useUiPrefs.getState().setSplit(other)}>
      Side by side
    </button>
  );
}
