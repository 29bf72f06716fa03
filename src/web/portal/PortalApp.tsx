/** The public portal, modeled on the national credit website: search, public records, person lookup, and self-service. */
import { NavLink, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { NotFound } from '../components/NotFound';
import { Frame } from '../console/ConsoleApp';
import { SessionProvider, useSession } from '../session';
import { HomePage } from './Home';
import { MePage } from './Me';
import { OrgPage } from './Org';
import { PersonPage } from './Person';

function PortalShell() {
  const { t } = useTranslation();
  const { session, signOut } = useSession();
  return (
    <Frame
      portal
      nav={
        <nav aria-label={t('nav.label')}>
          <ul>
            <li>
              <NavLink to="/public" end>
                {t('portal.nav.home')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/public/person">{t('portal.nav.person')}</NavLink>
            </li>
            <li>
              <NavLink to="/public/me">{t('portal.nav.me')}</NavLink>
            </li>
          </ul>
        </nav>
      }
      user={
        session ? (
          <div className="user">
            <button type="button" onClick={signOut}>
              {t('session.signOut')}
            </button>
          </div>
        ) : undefined
      }
    >
      <Routes>
        <Route index element={<HomePage />} />
        <Route path="org/:ref" element={<OrgPage />} />
        <Route path="person" element={<PersonPage />} />
        <Route path="me" element={<MePage />} />
        <Route path="*" element={<NotFound home="/public" />} />
      </Routes>
    </Frame>
  );
}

export function PortalApp() {
  return (
    <SessionProvider storageKey="xy.portal">
      <PortalShell />
    </SessionProvider>
  );
}
