import { mount } from 'svelte';
import App from './components/App.svelte';
import { connectBridge } from './bridge/connect';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

try {
  mount(App, { target, props: { bridge: connectBridge() } });
} catch (error) {
  target.textContent = error instanceof Error ? error.message : String(error);
}
