import { createVuetify } from 'vuetify';
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg';
import 'vuetify/styles';

// SVG icons from @mdi/js are bundled into the page: the app must work with no network at all.
export const vuetify = createVuetify({
  icons: { defaultSet: 'mdi', aliases, sets: { mdi } },
  theme: {
    defaultTheme: 'light',
    themes: {
      light: {
        colors: {
          // DHIS2 blue, so the app feels familiar next to the web app.
          primary: '#1565c0',
          secondary: '#4a5768',
        },
      },
    },
  },
  defaults: {
    VTextField: { variant: 'outlined', density: 'comfortable' },
    VNumberInput: { variant: 'outlined', density: 'comfortable' },
  },
});
