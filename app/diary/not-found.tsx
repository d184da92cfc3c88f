import { DIARY_MESSAGES } from "@/lib/core/diary/messages";
import { DIARY_LANGUAGES } from "@/lib/core/diary/entry";
import styles from "./[token]/diary.module.css";

/** A diary link that does not work (unknown, expired, revoked: the same page for each), in both languages. */
export default function DiaryNotFound() {
  return (
    <div className={styles.shell}>
      <main className={styles.main}>
        {DIARY_LANGUAGES.map((language, i) => {
          const m = DIARY_MESSAGES[language].notFound;
          return (
            <section key={language} lang={language} aria-labelledby={`diary-not-found-${language}`}>
              {i === 0 ? (
                <h1 id={`diary-not-found-${language}`} className={styles.heading}>
                  {m.title}
                </h1>
              ) : (
                <h2 id={`diary-not-found-${language}`} className={styles.heading}>
                  {m.title}
                </h2>
              )}
              <p>{m.body}</p>
            </section>
          );
        })}
      </main>
    </div>
  );
}
