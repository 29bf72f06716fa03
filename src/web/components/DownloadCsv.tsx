/**
 * "Download CSV": the rows a page shows, every one that matches and not only the page, from the
 * same endpoint asked for `text/csv` (docs/api.md, "Exports"), with the session's token and the
 * header row in the UI's language, saved under the name the server gives the file. `path` is null
 * while the export cannot be asked for yet (a purpose is needed first): the button then says so.
 */
import { apiFile, useAction } from '../api';
import { useFormat } from '../i18n';
import { ErrorBox } from './Status';

export function DownloadCsv({ path, testId }: { path: string | null; testId: string }) {
  const f = useFormat();
  const saving = useAction();
  const download = () =>
    void saving.run(async () => {
      if (!path) return;
      const { blob, filename } = await apiFile(path, 'text/csv');
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      // The browser has the file once the click is handled; the URL is not needed after.
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  return (
    <div className="download">
      <button type="button" onClick={download} disabled={!path || saving.busy} aria-describedby={path ? undefined : `${testId}-why`} data-testid={testId}>
        {saving.busy ? f.t('export.preparing') : f.t('export.csv')}
      </button>
      {path ? null : (
        <span className="small muted" id={`${testId}-why`}>
          {f.t('export.needsPurpose')}
        </span>
      )}
      {saving.error ? <ErrorBox error={saving.error} /> : null}
    </div>
  );
}
