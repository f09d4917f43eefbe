import { create } from 'zustand';

/** UI-only state (what is selected, what is open); everything from main lives in TanStack Query. */
interface UiState {
  selectedIntegrationId: string | null;
  selectIntegration: (id: string | null) => void;
}

export const useUiState = create<UiState>((set) => ({
  selectedIntegrationId: null,
  selectIntegration: (id) => set({ selectedIntegrationId: id }),
}));
