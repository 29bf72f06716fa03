/** The staff console: sign-in, then the pages each role may see. */
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { NotFound } from '../components/NotFound';
import { PrintFrame } from '../components/PrintFooter';
import { useCellLabels } from '../components/Table';
import { SessionProvider, useSession, type Role } from '../session';
import { AuditPage } from './Audit';
import { CasePage } from './Case';
import { CatalogPage } from './Catalog';
import { ChecksPage } from './Checks';
import { KeysPage } from './Keys';
import { ListsPage } from './Lists';
import { OverviewPage } from './Overview';
import { ReviewPage } from './Review';
import { SignInPage } from './SignIn';
import { SubjectRoute, SubjectSearchPage } from './Subject';

/** Which pages a role sees: the server enforces the same (each page's calls need these roles). */
export const PAGES: { path: string; key: string; roles: Role[] }[] = [
  { path: '/overview', key: 'nav.overview', roles: ['reviewer', 'author', 'admin'] },
  { path: '/subjects', key: 'nav.subjects', roles: ['reviewer'] },
  { path: '/lists', key: 'nav.lists', roles: ['reviewer'] },
  { path: '/catalog', key: 'nav.catalog', roles: ['reviewer', 'author', 'admin'] },
  { path: '/review', key: 'nav.review', roles: ['reviewer'] },
  { path: '/audit', key: 'nav.audit', roles: ['admin'] },
  { path: '/keys', key: 'nav.keys', roles: ['admin'] },
  { path: '/checks', key: 'nav.checks', roles: ['checker'] },
];

/**
 * Whether an address is one of the console's pages, as the server lists them (src/api/web.ts): any
 * other is "page not found", signed in or not, as the server's 404 says.
 */
const isConsolePage = (path: string) => path === '/' || path === '/sign-in' || /^\/subjects\/[^/]+$/.test(path) || /^\/review\/[^/]+$/.test(path) || PAGES.some((p) => path === p.path);

function Shell() {
  const { t } = useTranslation();
  const { session, signOut, expired } = useSession();
  const loc = useLocation();
  if (!isConsolePage(loc.pathname)) {
    return (
      <Frame>
        <NotFound home="/" />
      </Frame>
    );
  }
  if (!session) {
    return (
      <Frame>
        <SignInPage expired={expired} from={loc.pathname} />
      </Frame>
    );
  }
  const pages = PAGES.filter((p) => p.roles.includes(session.role));
  const home = pages[0]?.path;
  const allowed = (path: string) => pages.some((p) => p.path === path);
  const guard = (path: string, el: React.ReactElement) => (allowed(path) ? el : <NotForRole />);
  return (
    <Frame
      nav={
        <nav aria-label={t('nav.label')}>
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <NavLink to={p.path}>{t(p.key)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      }
      user={
        <div className="user">
          <span data-testid="signed-in-as">{t('session.as', { role: t(`roles.${session.role}`) })}</span>
          <button type="button" onClick={signOut}>
            {t('session.signOut')}
          </button>
        </div>
      }
    >
      <Routes>
        <Route path="/" element={home ? <Navigate to={home} replace /> : <NotForRole />} />
        <Route path="/sign-in" element={home ? <Navigate to={home} replace /> : <NotForRole />} />
        <Route path="/overview" element={guard('/overview', <OverviewPage role={session.role} />)} />
        <Route path="/subjects" element={guard('/subjects', <SubjectSearchPage />)} />
        <Route path="/subjects/:ref" element={guard('/subjects', <SubjectRoute />)} />
        <Route path="/lists" element={guard('/lists', <ListsPage />)} />
        <Route path="/catalog" element={guard('/catalog', <CatalogPage role={session.role} />)} />
        <Route path="/review" element={guard('/review', <ReviewPage />)} />
        <Route path="/review/:id" element={guard('/review', <CasePage />)} />
        <Route path="/audit" element={guard('/audit', <AuditPage />)} />
        <Route path="/keys" element={guard('/keys', <KeysPage />)} />
        <Route path="/checks" element={guard('/checks', <ChecksPage />)} />
        <Route path="*" element={<NotFound home="/" />} />
      </Routes>
    </Frame>
  );
}

function NotForRole() {
  const { t } = useTranslation();
  return (
    <div className="error" role="alert">
      <h1>{t('errors.notForRoleTitle')}</h1>
      <p>{t('errors.notForRole')}</p>
    </div>
  );
}

export function Frame({ children, nav, user, portal }: { children: React.ReactNode; nav?: React.ReactNode; user?: React.ReactNode; portal?: boolean }) {
  const { t } = useTranslation();
  useCellLabels();
  return (
    <PrintFrame>
      <a className="skip" href="#main">
        {t('common.skip')}
      </a>
      <header className={portal ? 'top portal' : 'top'}>
        <div className="brand">
          <span aria-hidden="true" className="logo">
            信
          </span>
          <span data-testid="site-name">{portal ? t('portal.site') : t('app.name')}</span>
        </div>
        {nav}
        <div className="tools">
          {user}
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="foot">
        <p>{portal ? t('portal.footer') : t('app.footer')}</p>
      </footer>
    </PrintFrame>
  );
}

export function ConsoleApp() {
  return (
    <SessionProvider storageKey="xy.console">
      <Shell />
    </SessionProvider>
  );
}
