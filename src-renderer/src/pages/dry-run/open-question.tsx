import { createContext, useContext, useState, type Dispatch, type ReactNode, type SetStateAction } from 'react';

/**
 * The one question open on the dry-run page: a conflict's Relink or "Not theirs" confirmation,
 * named by the Entra id of the person it is about. Several conflicts can be expanded at once; while
 * one asks, the others' actions wait, so two answers are never given side by side.
 */
export interface OpenQuestion {
  owner: string | null;
  setOwner: Dispatch<SetStateAction<string | null>>;
}

const OpenQuestionContext = createContext<OpenQuestion | null>(null);

export function OpenQuestionProvider({ children }: { children: ReactNode }) {
  const [owner, setOwner] = useState<string | null>(null);
  return <OpenQuestionContext.Provider value={{ owner, setOwner }}>{children}</OpenQuestionContext.Provider>;
}

/** The page's open question, or null outside a provider (then each conflict keeps its own). */
export function useOpenQuestion(): OpenQuestion | null {
  return useContext(OpenQuestionContext);
}
