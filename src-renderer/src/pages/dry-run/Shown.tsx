import { tokens } from '@fluentui/react-components';

export const mono = { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-word' } as const;

/** Hidden-character markers (⟨U+FEFF⟩) stand out from the text around them. */
export function Shown({ text }: { text: string }) {
  const parts = text.split(/(⟨U\+[0-9A-F]{4,6}⟩)/);
  return (
    <span style={mono}>
      {parts.map((p, i) =>
        /^⟨U\+/.test(p) ? (
          <mark key={i} style={{ background: tokens.colorPaletteYellowBackground2, color: tokens.colorNeutralForeground1, borderRadius: 2, padding: '0 1px' }}>
            {p}
          </mark>
        ) : (
          p
        ),
      )}
    </span>
  );
}
