import { optionLabels, type ShippedLabels } from './shape';

/** The action's copy in Japanese (HubSpot language `ja`). */
export const ja: ShippedLabels = {
  actionName: 'FML KYB ケースを開始',
  actionDescription:
    '登録された会社の KYB ケースを First Mile Labs に作成し、担当者にオンボーディングの招待メールを送信します。FML がケースを承認または却下するまでワークフローを一時停止することもできます。',
  actionCardContent: '{{contactEmail}} の FML KYB ケースを開始',
  inputFieldLabels: {
    contactEmail: '担当者のメールアドレス',
    contactName: '担当者名',
    companyName: '会社名',
    country: '国/地域',
    sendInvite: '招待を今すぐ送信',
    waitForDecision: 'FML の判断を待つ',
    blockExpiration: '最長待機時間',
    contactEmailProperty: 'または：担当者のメールアドレスを含む会社プロパティ',
    contactNameProperty: 'または：担当者名を含む会社プロパティ',
  },
  inputFieldDescriptions: {
    contactEmail: 'FML が招待を送信するアドレス（下でメールアドレスを含む会社プロパティを選ばない限り必須）。',
    contactName: '招待メールの宛名に使用します。',
    companyName: '空欄の場合は会社の名前を使用します。',
    country: '空欄の場合は会社の国/地域を使用します。',
    sendInvite: 'ケース作成後すぐに招待リンクを送信します。',
    waitForDecision:
      'FML がケースを承認または却下するまでワークフローを一時停止します。その後「判断」の出力で分岐できます。',
    blockExpiration: 'FML の判断を待たずに先へ進むまで、ワークフローが待機する時間。',
    contactEmailProperty:
      '担当者のメールアドレスが空欄の場合に使用：メールアドレスを含む（このポータルの）会社プロパティ。',
    contactNameProperty: '担当者名が空欄の場合に使用：名前を含む会社プロパティ。',
  },
  inputFieldOptionLabels: optionLabels('はい', 'いいえ', {
    P1D: '1 日',
    P3D: '3 日',
    P1W: '1 週間',
    P2W: '2 週間',
    P30D: '30 日',
  }),
  outputFieldLabels: {
    caseId: 'FML ケース ID',
    customerPortalUrl: '顧客ポータルのリンク',
    status: 'ケースのステータス',
    decision: '判断',
    errorCode: 'エラーコード',
    errorMessage: 'エラーメッセージ',
  },
};
