/** The favicon: served by the app, so the browser's favicon request never fails. */
export const iconSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="7" fill="#2f5fe0"/>' +
  '<rect x="7" y="8" width="18" height="4" rx="2" fill="#fff"/>' +
  '<rect x="7" y="14" width="13" height="4" rx="2" fill="#fff" opacity=".8"/>' +
  '<rect x="7" y="20" width="8" height="4" rx="2" fill="#fff" opacity=".6"/>' +
  '</svg>';
