/**
 * Sandboxed preload (bundled to a single CommonJS file): exposes window.rollcall with exactly
 * the methods of the typed API map, each forwarding over one IPC channel. The renderer never
 * sees ipcRenderer.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_CHANNEL, METHOD_NAMES, type RollcallApi } from './api';

const bridge = Object.fromEntries(
  METHOD_NAMES.map((name) => [name, (input?: unknown) => ipcRenderer.invoke(API_CHANNEL, { method: name, input })]),
) as RollcallApi;

contextBridge.exposeInMainWorld('rollcall', bridge);
