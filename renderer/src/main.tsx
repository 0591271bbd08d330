import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { connect } from './core';
import { pickTransport, type PreloadBridge } from './transport';

void connect(pickTransport(window as unknown as { proxyscope?: PreloadBridge; location: Location }));
createRoot(document.getElementById('root')!).render(<App />);
